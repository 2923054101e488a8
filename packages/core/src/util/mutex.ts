/** A FIFO async mutex: `acquire()` resolves to a release function. */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const acquired = this.tail.then(() => release);
    this.tail = this.tail.then(() => held);
    return acquired;
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
}
