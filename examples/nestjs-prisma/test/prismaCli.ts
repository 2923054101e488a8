import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** `pnpm prisma ...` (package.json: the CLI with the schema engine this machine can run). */
export function prismaCli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const { status, stdout, stderr } = spawnSync('pnpm', ['run', '--silent', 'prisma', ...args], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    encoding: 'utf8',
    timeout: 50_000,
  });
  return { status, stdout, stderr };
}
