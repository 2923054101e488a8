import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const example = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Longer than any command here takes (a few seconds on a quiet machine; `migrate dev` took over
 * 50 s beside CI's other tests on 2 cores), shorter than the tests' timeout (jest.config.js).
 */
const CLI_TIMEOUT_MS = 150_000;

/**
 * Runs the app's Prisma CLI as `pnpm prisma ...` does (package.json), with the schema engine that
 * script points it at. Throws if the CLI fails, except for `migrate diff --exit-code`, whose exit
 * code is the answer (0: no difference, 2: a difference).
 */
export function prismaCli(...args: string[]): Promise<{ status: number; stdout: string }> {
  return prismaCliWith({}, ...args);
}

/** `prismaCli` with environment variables set (`DATABASE_URL` for another database). */
export async function prismaCliWith(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ status: number; stdout: string }> {
  const { status, stdout, stderr, timedOut } = await runStopped(['run', '--silent', 'prisma', ...args], env);
  if (status !== 0 && !(args.includes('--exit-code') && status === 2)) {
    const reason = timedOut ? `no answer after ${CLI_TIMEOUT_MS} ms` : `exit ${status}`;
    throw new Error(`prisma ${args.join(' ')} failed (${reason}):\n${stdout}${stderr}`);
  }
  return { status, stdout };
}

/**
 * `pnpm <args>` in its own process group, stopped with everything it started once it runs longer
 * than CLI_TIMEOUT_MS. A command that asks a question (`migrate dev` wants a name for a migration
 * when the schema has changes none of the committed ones hold) waits for an answer forever, even
 * without a terminal; stopping pnpm alone would leave the Prisma CLI and its engine running.
 */
function runStopped(
  args: string[],
  env: Record<string, string>,
): Promise<{ status: number; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn('pnpm', args, {
      cwd: example,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, CLI_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, stdout, stderr, timedOut });
    });
  });
}
