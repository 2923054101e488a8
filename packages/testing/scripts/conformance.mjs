#!/usr/bin/env node
// Runs the conformance kit against every backend present (each package's
// test/*.conformance.spec.ts), then writes conformance-report.json at the repository root and
// prints the same as a table. Exits non-zero if any row failed or skipped a test.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const jest = join(root, 'node_modules/jest/bin/jest.js');
const outDir = join(root, 'conformance-results');
mkdirSync(outDir, { recursive: true });

const packages = readdirSync(join(root, 'packages'))
  .map((name) => join(root, 'packages', name))
  .filter(
    (dir) =>
      existsSync(join(dir, 'test')) && readdirSync(join(dir, 'test')).some((f) => f.endsWith('.conformance.spec.ts')),
  );

// The title prefix of a target's own ambient contexts (HOST_CONTEXT_TITLE in suites/ambient.ts):
// their tests are that row's alone, counted apart when rows are compared.
const HOST_CONTEXT_TITLE = "the host's context: ";

const rows = new Map();
let runnerFailed = false;

/**
 * A package's rows in jobs: one job for all of them, or, for the packages in SPLIT_BY_FILE, one
 * job per group of spec files (by the name before `.conformance.spec.ts`), and one more for any
 * file no group names, so that a new row is never left out.
 */
const SPLIT_BY_FILE = {
  // Two jobs of about equal length each, on different servers: a package's rows on different
  // servers use different databases, so its jobs can run side by side.
  prisma: [['mysql'], ['postgres', 'postgresRaw', 'sqlite']],
  'mikro-orm': [
    ['mysql', 'nodeSqlite'],
    ['postgres', 'sqlite'],
  ],
};
const SPEC_SUFFIX = '.conformance.spec.ts';

function jobsOf(dir) {
  const name = relative(join(root, 'packages'), dir);
  const groups = SPLIT_BY_FILE[name];
  if (!groups) return [{ name, dir, files: undefined }];
  const stems = readdirSync(join(dir, 'test'))
    .filter((file) => file.endsWith(SPEC_SUFFIX))
    .map((file) => file.slice(0, -SPEC_SUFFIX.length));
  const named = new Set(groups.flat());
  const left = stems.filter((stem) => !named.has(stem));
  return [...groups, ...(left.length > 0 ? [left] : [])]
    .map((group) => group.filter((stem) => stems.includes(stem)))
    .filter((group) => group.length > 0)
    .map((group) => ({ name: `${name}-${group.join('-')}`, dir, files: group }));
}

/**
 * Runs one job's conformance suites with jest in a child process, its output kept until it ends
 * so that two jobs running side by side do not interleave their logs. Resolves to the jest JSON
 * report file, or undefined when jest wrote none.
 */
function runJob({ name, dir, files }) {
  const outputFile = join(outDir, `${name}.json`);
  rmSync(outputFile, { force: true });
  const started = Date.now();
  // Exactly the group's files (`test/<stem>.conformance.spec.ts`), or every conformance file.
  const pattern = files ? `/test/(${files.join('|')})\\.conformance\\.spec\\.ts$` : 'conformance';
  return new Promise((resolveJob) => {
    const child = spawn(
      process.execPath,
      [
        '--experimental-vm-modules',
        jest,
        '--runInBand',
        '--json',
        `--outputFile=${outputFile}`,
        '--testPathPatterns',
        pattern,
      ],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: process.env },
    );
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('close', (code) => {
      process.stdout.write(Buffer.concat(output));
      console.log(`conformance: ${name} took ${Math.round((Date.now() - started) / 1000)}s (exit ${code})`);
      if (!existsSync(outputFile)) {
        console.error(`conformance: ${name} produced no results (exit ${code})`);
        runnerFailed = true;
        resolveJob(undefined);
      } else resolveJob(outputFile);
    });
  });
}

// Each package runs against databases of its own (scripts/databases.sh), so jobs can run side by
// side; two at a time keeps a two-core machine busy while a suite waits on its database.
const CONCURRENCY = Number(process.env.ES_CONFORMANCE_CONCURRENCY ?? 2);
// The longest jobs first (as this runner's "took" lines show them in CI), so that the last ones to
// start are short.
const LONGEST_FIRST = [
  'prisma-postgres-postgresRaw-sqlite',
  'typeorm',
  'drizzle',
  'prisma-mysql',
  'mikro-orm-mysql-nodeSqlite',
  'mikro-orm-postgres-sqlite',
];
const rank = (job) => {
  const index = LONGEST_FIRST.indexOf(job.name);
  return index === -1 ? LONGEST_FIRST.length : index;
};
const queue = packages.flatMap(jobsOf).sort((a, b) => rank(a) - rank(b));
const outputFiles = [];
await Promise.all(
  Array.from({ length: Math.max(1, CONCURRENCY) }, async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      console.log(`conformance: running ${job.name}`);
      const file = await runJob(job);
      if (file) outputFiles.push(file);
    }
  }),
);

for (const outputFile of outputFiles) {
  const report = JSON.parse(readFileSync(outputFile, 'utf8'));
  for (const file of report.testResults) {
    if (file.assertionResults.length === 0) {
      console.error(`conformance: ${relative(root, file.name)} ran no test: ${file.message.split('\n')[0]}`);
      runnerFailed = true;
    }
    for (const test of file.assertionResults) {
      const title = test.ancestorTitles[0] ?? '';
      const match = /^conformance (\S+)\/(\S+)$/.exec(title);
      if (!match) continue;
      const key = `${match[1]}/${match[2]}`;
      const row = rows.get(key) ?? {
        backend: match[1],
        dialect: match[2],
        passed: 0,
        failed: 0,
        skipped: 0,
        hostContextTests: 0,
      };
      if (test.status === 'passed') {
        row.passed++;
        if (test.ancestorTitles.some((title) => title.startsWith(HOST_CONTEXT_TITLE))) row.hostContextTests++;
      } else if (test.status === 'failed') row.failed++;
      else row.skipped++;
      rows.set(key, row);
    }
  }
}

const order = ['memory', 'drizzle', 'typeorm', 'prisma', 'prisma-raw', 'mikro-orm'];
const results = [...rows.values()].sort(
  (a, b) => order.indexOf(a.backend) - order.indexOf(b.backend) || a.dialect.localeCompare(b.dialect),
);
writeFileSync(join(root, 'conformance-report.json'), `${JSON.stringify({ results })}\n`);

const header = ['backend', 'dialect', 'passed', 'failed', 'skipped', 'hostContextTests'];
const table = [header, ...results.map((r) => header.map((h) => String(r[h])))];
const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
for (const row of table) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  '));

// Every row passes every test memory passes; a dialect may add its own (MySQL's schema check), and
// then every row of that dialect passes the same number. The tests of a row's own ambient contexts
// (its ORM's) come on top, and are left out of the comparison.
const kitTests = (r) => r.passed - r.hostContextTests;
const memory = results.find((r) => r.backend === 'memory');
const reference = memory && kitTests(memory);
const mostOfDialect = (dialect) => Math.max(...results.filter((r) => r.dialect === dialect).map(kitTests));
const bad = results.filter(
  (r) =>
    r.failed > 0 ||
    r.skipped > 0 ||
    reference === undefined ||
    kitTests(r) < reference ||
    kitTests(r) !== mostOfDialect(r.dialect),
);
if (runnerFailed || bad.length > 0 || results.length === 0) {
  for (const r of bad)
    console.error(`conformance: ${r.backend}/${r.dialect} is not clean (memory passed ${reference})`);
  process.exit(1);
}
