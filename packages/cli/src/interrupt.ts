import { ExitCode } from './exitCodes.js';

/**
 * Ctrl-C while a command works: the first asks it to stop at the next safe point (after the batch
 * in flight, whose transaction commits or rolls back whole); a second one quits at once (the
 * database rolls back whatever transaction was still open).
 */
export class Interruption {
  private requestedStop = false;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly onFirst: () => void) {
    process.on('SIGINT', this.signal);
  }

  get requested(): boolean {
    return this.requestedStop;
  }

  /** Waits `ms`, or less when interrupted meanwhile. */
  sleep(ms: number): Promise<void> {
    if (this.requestedStop) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  dispose(): void {
    process.off('SIGINT', this.signal);
  }

  private readonly signal = () => {
    if (this.requestedStop) process.exit(ExitCode.interrupted);
    this.requestedStop = true;
    this.onFirst();
    for (const wake of [...this.waiters]) wake();
  };
}
