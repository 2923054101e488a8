// Jest runs straight from a clean clone too (`pnpm conformance` calls jest in each package):
// generate the test hosts' clients (skipped when their schemas have not changed), and build the
// package when dist is missing or older than src: the test support imports `@es/prisma` as an
// application does, and the conformance kit's child processes load it from dist.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

function newestChange(dir) {
  return Math.max(
    ...readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs),
  );
}

export default function ensureBuilt() {
  const run = (script) => execFileSync('pnpm', ['run', '--silent', script], { cwd: root, stdio: 'inherit' });
  run('generate');
  const built = join(root, 'dist/index.js');
  if (!existsSync(built) || statSync(built).mtimeMs < newestChange(join(root, 'src'))) run('build');
}
