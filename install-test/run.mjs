#!/usr/bin/env node
// The install test (install-test/README.md): packs the publishable packages, installs the tarballs into
// a fresh app per ORM outside the workspace, and runs each package README as written.
// Usage: node install-test/run.mjs [recipe ...]   (default: every recipe in install-test/orms)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readmeBlocks } from './readme.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pgUrl = (process.env.ES_PG_URL ?? 'postgres://postgres@127.0.0.1:5432').replace(/\/$/, '');

/** Paths no published tarball may hold: tests, test support, generated test clients. */
const TEST_PATH = /(^|\/)(test|tests|__tests__|testing|generated|fixtures)\/|\.(spec|test)\.[cm]?[jt]s$/;
/** Packages no user's install may pull in. */
const TEST_TOOLING = /^(jest|jest-[^@]*|@jest\+[^@]*|ts-jest|@es\+testing)@/;

const work = mkdtempSync(join(tmpdir(), 'es-install-'));
const failures = [];

function log(message) {
  console.log(`install-test: ${message}`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: 'pipe', ...options });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
    throw new Error(`${[command, ...args].join(' ')} failed (exit ${result.status}):\n${output}`);
  }
  return result.stdout;
}

function psql(database, sql) {
  return run('psql', [`${pgUrl}/${database}`, '-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-c', sql]);
}

/** Packs every publishable workspace package; returns name -> tarball path. */
function packAll() {
  const destination = join(work, 'tarballs');
  mkdirSync(destination);
  const tarballs = {};
  for (const dir of readdirSync(join(root, 'packages'))) {
    const packageDir = join(root, 'packages', dir);
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
    if (manifest.private) continue;
    const out = run('pnpm', ['pack', '--pack-destination', destination], { cwd: packageDir });
    const tarball = out.trim().split('\n').pop().trim();
    const entries = run('tar', ['tzf', tarball]).split('\n').filter(Boolean);
    const leaked = entries.filter((entry) => TEST_PATH.test(entry.replace(/^package\//, '')));
    if (leaked.length > 0 && manifest.name !== '@es/testing')
      failures.push(`${manifest.name}: the tarball holds test files: ${leaked.slice(0, 5).join(', ')}`);
    for (const field of ['dependencies', 'optionalDependencies'])
      for (const dep of Object.keys(manifest[field] ?? {}))
        if (dep === '@es/testing' || /jest/.test(dep)) failures.push(`${manifest.name}: depends on ${dep} at run time`);
    tarballs[manifest.name] = tarball;
  }
  log(`packed ${Object.keys(tarballs).join(', ')}`);
  return tarballs;
}

/** `name@version` split, scoped names included. */
function splitSpec(spec) {
  const at = spec.lastIndexOf('@');
  return at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [spec, undefined];
}

/** A README `pnpm add` line with `@es/*` names as tarballs and every other name pinned. */
function rewriteAdd(line, pins, tarballs) {
  const words = line.split(/\s+/).filter(Boolean);
  return words.map((word, index) => {
    if (index < 2 || word.startsWith('-')) return word;
    const [name, version] = splitSpec(word);
    if (name.startsWith('@es/')) {
      if (!tarballs[name]) throw new Error(`the README installs ${name}, which is not a publishable package`);
      return tarballs[name];
    }
    if (version) return word;
    if (!pins[name]) throw new Error(`the README installs ${name}, which the recipe does not pin`);
    return `${name}@${pins[name]}`;
  });
}

const DEFAULT_TSCONFIG = {
  compilerOptions: {
    target: 'es2023',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    verbatimModuleSyntax: true,
    skipLibCheck: true,
    types: ['node'],
  },
  include: ['**/*.ts'],
  exclude: ['node_modules'],
};

/** Packages and bytes under an app's node_modules. */
function installSize(app) {
  const store = join(app, 'node_modules/.pnpm');
  const packages = readdirSync(store).filter((entry) => entry.includes('@') && entry !== 'node_modules');
  const bytes = Number(run('du', ['-sb', '--apparent-size', join(app, 'node_modules')]).split('\t')[0]);
  return { packages, megabytes: (bytes / 1e6).toFixed(1) };
}

async function runRecipe(name, recipe, tarballs) {
  const started = performance.now();
  const app = join(work, 'apps', name);
  mkdirSync(app, { recursive: true });
  const database = `es_install_${name.replace(/[^a-z0-9]/g, '_')}`;
  psql('postgres', `drop database if exists ${database} with (force)`);
  psql('postgres', `create database ${database}`);
  const env = { ...process.env, DATABASE_URL: `${pgUrl}/${database}` };

  const overrides = Object.fromEntries(Object.entries(tarballs).map(([pkg, file]) => [pkg, `file:${file}`]));
  const extra = recipe.packageJson ?? {};
  const manifest = {
    name: `es-install-${name}`,
    private: true,
    type: 'module',
    ...extra,
    pnpm: { ...extra.pnpm, overrides: { ...extra.pnpm?.overrides, ...overrides } },
  };
  writeFileSync(join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(app, 'tsconfig.json'), `${JSON.stringify(DEFAULT_TSCONFIG, null, 2)}\n`);

  // One README, or several run in order into the same app (a package whose README builds on another's).
  const blocks = [recipe.readme].flat().flatMap((readme) => readmeBlocks(readFileSync(join(root, readme), 'utf8')));
  let snippets = 0;
  for (const block of blocks) {
    if (block.file) {
      const path = join(app, block.file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, block.code);
    } else if (block.lang === 'sh' && block.tags.includes('install')) {
      for (const line of block.lines) {
        if (!/^pnpm add\s/.test(line)) throw new Error(`an install block may only hold pnpm add lines: ${line}`);
        const [command, ...args] = rewriteAdd(line, recipe.pins, tarballs);
        log(`${name}: ${line}`);
        run(command, args, { cwd: app, env });
      }
    } else if (block.lang === 'sh' && block.tags.includes('steps')) {
      for (const line of block.lines) {
        log(`${name}: $ ${line}`);
        const output = run('bash', ['-c', line], { cwd: app, env: { ...env, ...recipe.stepEnv } });
        for (const out of output.trim().split('\n').filter(Boolean).slice(-6)) console.log(`    ${out}`);
      }
    } else if (block.lang === 'ts' && !block.tags.includes('no-compile')) {
      writeFileSync(join(app, `readme-snippet-${++snippets}.ts`), block.code);
    }
  }

  const query = async (sql) => JSON.parse(psql(database, `select coalesce(json_agg(t), '[]') from (${sql}) t`));
  await recipe.verify({ query, app, database, env });

  if (!existsSync(join(app, 'node_modules/typescript')) || !existsSync(join(app, 'node_modules/@types/node'))) {
    const { typescript = '5.9.3', '@types/node': types = '22.20.5' } = recipe.pins;
    run('pnpm', ['add', '-D', `typescript@${typescript}`, `@types/node@${types}`], { cwd: app, env });
  }
  // The app's own compiler options and files (the README may give its tsconfig.json, which may emit
  // or include only src/), checked without emitting, with the README's snippets added.
  const typecheck = {
    extends: './tsconfig.json',
    compilerOptions: { noEmit: true },
    ...(snippets > 0 && { files: Array.from({ length: snippets }, (_, index) => `readme-snippet-${index + 1}.ts`) }),
  };
  writeFileSync(join(app, 'tsconfig.install-test.json'), `${JSON.stringify(typecheck, null, 2)}\n`);
  run('pnpm', ['exec', 'tsc', '-p', 'tsconfig.install-test.json'], { cwd: app, env });
  log(
    `${name}: tsc --noEmit (strict) passed over ${blocks.filter((b) => b.file?.endsWith('.ts')).length} files and ${snippets} snippets`,
  );

  const { packages, megabytes } = installSize(app);
  const tooling = packages.filter((entry) => TEST_TOOLING.test(entry));
  if (tooling.length > 0) throw new Error(`the installed tree holds test tooling: ${tooling.join(', ')}`);
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  log(`${name}: passed in ${seconds} s; the app's install: ${packages.length} packages, ${megabytes} MB`);
}

const recipesDir = join(root, 'install-test/orms');
const wanted = process.argv.slice(2);
const recipes = [];
for (const file of readdirSync(recipesDir)
  .filter((f) => f.endsWith('.mjs'))
  .sort()) {
  const recipe = (await import(pathToFileURL(join(recipesDir, file)).href)).default;
  const base = file.replace(/\.mjs$/, '');
  recipes.push([base, recipe]);
  for (const variant of recipe.variants ?? [])
    recipes.push([variant.name, { ...recipe, ...variant, pins: { ...recipe.pins, ...variant.pins } }]);
}
const selected =
  wanted.length > 0 ? recipes.filter(([name]) => wanted.some((w) => name === w || name.startsWith(`${w}-`))) : recipes;
if (selected.length === 0) {
  console.error(`install-test: no recipe matches ${wanted.join(', ')}`);
  process.exit(1);
}

log(`building the packages`);
execFileSync('pnpm', ['turbo', 'run', 'build', '--output-logs=errors-only'], { cwd: root, stdio: 'inherit' });
const tarballs = packAll();
for (const [name, recipe] of selected) {
  try {
    await runRecipe(name, recipe, tarballs);
  } catch (error) {
    failures.push(`${name}: ${error.message}`);
    log(`${name}: FAILED`);
  }
}
if (failures.length > 0) {
  for (const failure of failures) console.error(`install-test: ${failure}`);
  console.error(`install-test: apps left in ${work} for a look`);
  process.exit(1);
}
rmSync(work, { recursive: true, force: true });
log(`${selected.length} apps passed: ${selected.map(([name]) => name).join(', ')}`);
