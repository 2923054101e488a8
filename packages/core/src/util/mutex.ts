/** The queue's start: a settled promise, shared, so that a new mutex makes none. */
const SETTLED: Promise<void> = Promise.resolve();

/** A FIFO async mutex: `acquire()` resolves to a release function. */
export class Mutex {
  /** What the last in the queue holds: a new waiter waits for it. */
  private tail: Promise<void> = SETTLED;
  /** Holders and waiters: while it is 0 the mutex can be taken without waiting for the queue. */
  private claims = 0;
  /**
   * A holder that took the mutex at once (`tryAcquire`), while nobody waits behind it: the promise
   * a waiter needs is made only when one comes, so an uncontended turn makes none (on Node 22
   * every promise runs the promise hooks an AsyncLocalStorage turns on; BENCHMARKS.md).
   */
  private immediate: { wake?: () => void } | undefined;

  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const before = this.queueBehind();
    const acquired = before.then(() => this.releaser(release));
    this.tail = before.then(() => held);
    this.claims++;
    return acquired;
  }

  /**
   * Takes the mutex at once when nobody holds or waits for it (the common case of an unshared
   * connection), without the promise hops and timer of a queued acquisition; undefined otherwise.
   */
  tryAcquire(): (() => void) | undefined {
    if (this.claims > 0) return undefined;
    const holding: { wake?: () => void } = {};
    this.immediate = holding;
    this.claims++;
    return this.releaser(() => {
      if (this.immediate === holding) this.immediate = undefined;
      holding.wake?.();
    });
  }

  /** What a new waiter waits for: nothing when the mutex is free, else the last holder's release. */
  private queueBehind(): Promise<void> {
    if (this.claims === 0) return SETTLED;
    const holding = this.immediate;
    if (!holding) return this.tail;
    this.immediate = undefined;
    return new Promise<void>((resolve) => {
      holding.wake = resolve;
    });
  }

  /** Like `acquire`, but rejects after `timeoutMs` (the place in the queue is given up). */
  async acquireWithin(timeoutMs: number, onTimeout: () => Error): Promise<() => void> {
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const acquired = this.acquire().then((release) => {
      if (!timedOut) return release;
      release();
      return undefined;
    });
    const expired = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => {
        timedOut = true;
        resolve(undefined);
      }, timeoutMs);
    });
    const release = await Promise.race([acquired, expired]);
    clearTimeout(timer);
    if (!release) throw onTimeout();
    return release;
  }

  /** A release that counts its claim off once, however often it is called. */
  private releaser(resolve: () => void): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.claims--;
      resolve();
    };
  }
}
