export interface PollingOptions {
  /** Delay after an idle or failed round, doubling up to `maxMs` (defaults 10 and 1,000). */
  readonly minMs?: number;
  readonly maxMs?: number;
}

/**
 * Runs `round` until stopped: straight again after a round that did work, with a growing pause
 * after one that found nothing or failed. `wake()` cuts a pause short (a notification, a stop).
 */
export class PollingLoop {
  private running = false;
  private loop: Promise<void> | undefined;
  private interrupt: (() => void) | undefined;

  constructor(
    private readonly round: () => Promise<boolean>,
    private readonly onError: (error: unknown) => void,
    private readonly options: PollingOptions = {},
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the round in flight. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    await this.loop;
  }

  wake(): void {
    this.interrupt?.();
  }

  private async run(): Promise<void> {
    const minMs = this.options.minMs ?? 10;
    const maxMs = this.options.maxMs ?? 1_000;
    let delay = minMs;
    while (this.running) {
      try {
        if (await this.round()) {
          delay = minMs;
          continue;
        }
      } catch (error) {
        this.onError(error);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.interrupt = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.interrupt = undefined;
      delay = Math.min(delay * 2, maxMs);
    }
  }
}
