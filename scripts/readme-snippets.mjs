#!/usr/bin/env node
// Typechecks every TypeScript block of the READMEs that the install test does not run (the ORM
// packages' READMEs are compiled inside their installed apps: install-test/). Each block is a module
// of its own, compiled (strict) in the workspace package the README belongs to, so its imports
// resolve as a user's would. A snippet that stops typechecking fails `./dev test`. A package whose
// tsconfig turns on TypeScript's experimental decorators (NestJS) compiles its snippets with them.
// A block tagged `no-compile` (```ts no-compile) is shown only: for code that needs what the
// README's package cannot have (a generated Prisma client, a package that depends on it); the
// README says where that code runs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readmeBlocks } from '../install-test/readme.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// The READMEs the install test runs in a fresh app, with every block compiled there.
const installTested = new Set();
for (const file of readdirSync(join(root, 'install-test/orms')).filter((f) => f.endsWith('.mjs'))) {
  const recipe = (await import(pathToFileURL(join(root, 'install-test/orms', file)).href)).default;
  for (const readme of [recipe.readme].flat()) installTested.add(readme);
}

/** README -> the workspace package whose dependencies its snippets import. */
const readmes = [['README.md', 'examples/drizzle-postgres']];
for (const group of ['packages', 'examples'])
  for (const dir of readdirSync(join(root, group))) {
    const readme = `${group}/${dir}/README.md`;
    if (existsSync(join(root, readme)) && !installTested.has(readme)) readmes.push([readme, `${group}/${dir}`]);
  }

/** The package's experimental decorators settings, when its tsconfig.json turns them on. */
function decoratorsOf(context) {
  const tsconfig = join(root, context, 'tsconfig.json');
  if (!existsSync(tsconfig)) return {};
  const { experimentalDecorators, emitDecoratorMetadata } =
    JSON.parse(readFileSync(tsconfig, 'utf8')).compilerOptions ?? {};
  return experimentalDecorators
    ? { experimentalDecorators, emitDecoratorMetadata: emitDecoratorMetadata === true }
    : {};
}

let failed = false;
let compiled = 0;
for (const [readme, context] of readmes) {
  const blocks = readmeBlocks(readFileSync(join(root, readme), 'utf8')).filter(
    (b) => b.lang === 'ts' && !b.file && !b.tags.includes('no-compile'),
  );
  if (blocks.length === 0) continue;
  const dir = join(root, context, '.readme-snippets');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  for (const [index, block] of blocks.entries()) writeFileSync(join(dir, `snippet-${index + 1}.ts`), block.code);
  const tsconfig = {
    extends: relative(dir, join(root, 'tsconfig.base.json')),
    compilerOptions: { noEmit: true, allowImportingTsExtensions: true, types: ['node'], ...decoratorsOf(context) },
    include: ['*.ts'],
  };
  writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  const result = spawnSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(dir, 'tsconfig.json')], {
    encoding: 'utf8',
  });
  if (result.status === 0) {
    compiled += blocks.length;
    rmSync(dir, { recursive: true, force: true });
  } else {
    failed = true;
    console.error(
      `readme-snippets: ${readme}: a TypeScript block does not typecheck (files in ${relative(root, dir)}):`,
    );
    console.error(result.stdout.trim());
  }
}
if (failed) process.exit(1);
console.log(`readme-snippets: ${compiled} TypeScript blocks of ${readmes.length} READMEs typecheck`);
