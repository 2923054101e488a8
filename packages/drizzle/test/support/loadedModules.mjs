// `node loadedModules.mjs <specifier> [<imported first>]`: imports the specifier (after the
// second, as an app imports its driver first) and prints, as JSON, the folders of drizzle-orm
// whose modules that import loaded (`pg-core`, `sqlite-core`, ...), with how many of each.
import { registerHooks } from 'node:module';

const resolved = [];
registerHooks({
  resolve(specifier, context, next) {
    const result = next(specifier, context);
    resolved.push(result.url);
    return result;
  },
});
const [specifier, first] = process.argv.slice(2);
if (first) await import(first);
const before = resolved.length;
await import(specifier);
const folders = {};
for (const url of resolved.slice(before)) {
  const folder = /\/drizzle-orm\/([^/]+)\/[^/]+$/.exec(url)?.[1];
  if (folder) folders[folder] = (folders[folder] ?? 0) + 1;
}
process.stdout.write(JSON.stringify(folders));
