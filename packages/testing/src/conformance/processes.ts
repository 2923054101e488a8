import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const builtScript = (name: string) =>
  fileURLToPath(new URL(`./${name}.js`, import.meta.url)).replace('/src/', '/dist/');

/** How a child is started beyond its script and arguments. */
export interface KitProcessOptions {
  /** Shifts the child's `Date.now()` and `new Date()` by this much (see skewedClock.ts). */
  readonly clockSkewMs?: number;
}

/**
 * The kit's child processes for the crash tests (`consumerProcess`, `relayProcess`,
 * `partitionProcess`): started from the built kit with the test's environment, and killed with
 * SIGKILL, mid-work.
 */
export class KitProcesses {
  private readonly children: ChildProcess[] = [];

  /** Starts `dist/conformance/<name>.js` with `args`. */
  spawn(
    name: 'consumerProcess' | 'relayProcess' | 'partitionProcess',
    args: readonly string[],
    options: KitProcessOptions = {},
  ): ChildProcess {
    // Jest hands tests a copy of process.env: pass it on, or the child misses the target's settings.
    const env = { ...process.env };
    const execArgv = [...process.execArgv];
    if (options.clockSkewMs !== undefined) {
      env.ES_CLOCK_SKEW_MS = String(options.clockSkewMs);
      execArgv.push('--import', pathToFileURL(builtScript('skewedClock')).href);
    }
    const child = fork(builtScript(name), [...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env, execArgv });
    this.children.push(child);
    return child;
  }

  /** SIGKILL, then waits until it has exited. */
  async kill(child: ChildProcess): Promise<void> {
    child.kill('SIGKILL');
    if (child.exitCode === null && child.signalCode === null)
      await new Promise((resolve) => child.once('exit', resolve));
  }

  async killAll(): Promise<void> {
    for (const child of this.children) await this.kill(child);
  }
}
