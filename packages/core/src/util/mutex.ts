/** A FIFO async mutex: `acquire()` resolves to a release function. */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();
  /** Holders and waiters: while it is 0 the mutex can be taken without waiting for the queue. */
  private claims = 0;

  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const acquired = this.tail.then(() => this.releaser(release));
    this.tail = this.tail.then(() => held);
    this.claims++;
    return acquired;
  }

  /**
   * Takes the mutex at once when nobody holds or waits for it (the common case of an unshared
   * connection), without the promise hops and timer of a queued acquisition; undefined otherwise.
   */
  tryAcquire(): (() => void) | undefined {
    if (this.claims > 0) return undefined;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.claims++;
    return this.releaser(release);
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
