export { recreateTables } from './schema.js';
export { type Dialect, mikroOrmTarget } from './target.js';
