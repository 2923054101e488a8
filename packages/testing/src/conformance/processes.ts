import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The kit's child processes for the crash tests (`consumerProcess`, `relayProcess`): started from
 * the built kit with the test's environment, and killed with SIGKILL, mid-work.
 */
export class KitProcesses {
  private readonly children: ChildProcess[] = [];

  /** Starts `dist/conformance/<name>.js` with `args`. */
  spawn(name: 'consumerProcess' | 'relayProcess', args: readonly string[]): ChildProcess {
    const script = fileURLToPath(new URL(`./${name}.js`, import.meta.url)).replace('/src/', '/dist/');
    // Jest hands tests a copy of process.env: pass it on, or the child misses the target's settings.
    const child = fork(script, [...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env } });
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
