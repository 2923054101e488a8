// Jest runs straight from a clean clone too (`pnpm conformance` calls jest in each package):
// make sure the generated test clients exist, and the compiled package the kit's child
// processes import (dist/testing/process.js).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export default function ensureBuilt() {
  const root = join(import.meta.dirname, '..');
  const run = (script) => execFileSync('pnpm', ['run', '--silent', script], { cwd: root, stdio: 'inherit' });
  if (existsSync(join(root, 'dist/testing/process.js'))) run('generate');
  else run('build');
}
