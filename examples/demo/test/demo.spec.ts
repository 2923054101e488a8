import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** Runs the demo as a user would (`node src/main.ts`) against its own SQLite file. */
function runDemo(file: string): string {
  return execFileSync(process.execPath, [main], { env: { ...process.env, DEMO_DB: file }, encoding: 'utf8' });
}

test('the demo tells the story, and a second run continues it from the same file', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'es-demo-')), 'bank.sqlite');

  const first = runDemo(file);
  expect(first).toContain('run 1: a new bank');
  expect(first).toMatch(
    /conflict: Concurrency conflict on stream default\/account\/acc-ada: expected version 2, actual 3/,
  );
  expect(first).toContain('refused: Ada has 90.00');
  expect(first).toMatch(/#8 acc-grace v3: \+40 \(transfer from Ada\)/);
  expect(first).toMatch(/Ada\s+90\.00\s+\(version 5\)/);
  expect(first).toMatch(/Grace\s+140\.00\s+\(version 3\)/);

  const second = runDemo(file);
  expect(second).toContain('run 2+: the bank remembers');
  // The consumer resumes after its checkpoint: only the new events are printed.
  expect(second).not.toContain('#8 ');
  expect(second).toMatch(/#9 acc-ada v6: \+0.9 \(interest\)/);
  expect(second).toMatch(/Ada\s+50\.90\s+\(version 7\)/);
  expect(second).toContain('Transfers recorded: 2.');
});

test('the story goes on however often it runs: once Ada is short, Grace pays her', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'es-demo-')), 'bank.sqlite');
  for (let run = 1; run <= 3; run++) expect(runDemo(file)).toContain('A transfer Ada -> Grace');
  // Run 4: Ada has 11.52 after interest, less than the 40 of a transfer.
  const fourth = runDemo(file);
  expect(fourth).toContain('A transfer Grace -> Ada');
  expect(fourth).toMatch(/\+40 \(transfer from Grace\)/);
  expect(fourth).toContain('refused: Ada has 51.52');
  expect(fourth).toContain('Transfers recorded: 4.');
});
