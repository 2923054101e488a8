// Test support for this package's specs: not compiled, not published (see package.json `files`).
export { recreateTables } from './schema.ts';
export { mikroOrmTarget } from './target.ts';
