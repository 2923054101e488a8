export interface PollingOptions {
  /** Delay after an idle or failed round, doubling up to `maxMs` (defaults 10 and 1,000). */
  readonly minMs?: number;
  readonly maxMs?: number;
}

/**
 * What a round found: work done (run again at once), nothing to do (back off), or work that is
 * there but held back for a moment (PostgreSQL: behind an open transaction), which is retried
 * soon whatever the idle backoff: a wake-up hint for it may already have been spent.
 */
export type RoundOutcome = 'worked' | 'idle' | 'held-back';

const HELD_BACK_MIN_MS = 5;
const HELD_BACK_MAX_MS = 200;

/**
 * Runs `round` until stopped: straight again after a round that did work, with a growing pause
 * after one that found nothing or failed. `wake()` cuts a pause short (a notification, a stop).
 */
export class PollingLoop {
  private running = false;
  private loop: Promise<void> | undefined;
  private interrupt: (() => void) | undefined;

  constructor(
    private readonly round: () => Promise<RoundOutcome>,
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
    const heldBackMaxMs = Math.min(HELD_BACK_MAX_MS, maxMs);
    const heldBackMinMs = Math.min(HELD_BACK_MIN_MS, heldBackMaxMs);
    let idleDelay = minMs;
    let heldBackDelay = heldBackMinMs;
    while (this.running) {
      let outcome: RoundOutcome = 'idle';
      try {
        outcome = await this.round();
      } catch (error) {
        this.onError(error);
      }
      if (outcome === 'worked') {
        idleDelay = minMs;
        heldBackDelay = heldBackMinMs;
        continue;
      }
      if (outcome === 'held-back') {
        await this.pause(Math.min(heldBackDelay, idleDelay));
        heldBackDelay = Math.min(heldBackDelay * 2, heldBackMaxMs);
      } else {
        await this.pause(idleDelay);
        idleDelay = Math.min(idleDelay * 2, maxMs);
      }
    }
  }

  private async pause(ms: number): Promise<void> {
    // Stopped during the round: `stop()` found no pause to cut short, so do not start one.
    if (!this.running) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.interrupt = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.interrupt = undefined;
  }
}
