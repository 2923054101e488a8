import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const example = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs the app's Prisma CLI as `pnpm prisma ...` does (package.json), with the schema engine that
 * script points it at. Throws if the CLI fails, except for `migrate diff --exit-code`, whose exit
 * code is the answer (0: no difference, 2: a difference).
 */
export function prismaCli(...args: string[]): { status: number; stdout: string } {
  return prismaCliWith({}, ...args);
}

/** `prismaCli` with environment variables set (`DATABASE_URL` for another database). */
export function prismaCliWith(env: Record<string, string>, ...args: string[]): { status: number; stdout: string } {
  const result = spawnSync('pnpm', ['run', '--silent', 'prisma', ...args], {
    cwd: example,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  const status = result.status ?? -1;
  if (status !== 0 && !(args.includes('--exit-code') && status === 2)) {
    throw new Error(`prisma ${args.join(' ')} failed (exit ${status}):\n${result.stdout}${result.stderr}`);
  }
  return { status, stdout: result.stdout };
}
