import { describe, expect, it } from '@jest/globals';
import { Mutex } from './mutex.js';

describe('Mutex', () => {
  it('is taken at once when free, and refused at once while held', () => {
    const mutex = new Mutex();
    const release = mutex.tryAcquire();
    expect(release).toBeDefined();
    expect(mutex.tryAcquire()).toBeUndefined();
    release?.();
    const again = mutex.tryAcquire();
    expect(again).toBeDefined();
    again?.();
  });

  it('keeps its queue in order: a waiter goes before a later tryAcquire, and after the holder', async () => {
    const mutex = new Mutex();
    const order: string[] = [];
    const first = mutex.tryAcquire() as () => void;
    const waiting = mutex.acquire().then((release) => {
      order.push('waiter');
      return release;
    });
    first();
    // Released, but the waiter is still in the queue: nobody may jump it.
    expect(mutex.tryAcquire()).toBeUndefined();
    const second = await waiting;
    expect(order).toEqual(['waiter']);
    expect(mutex.tryAcquire()).toBeUndefined();
    second();
    const third = mutex.tryAcquire();
    expect(third).toBeDefined();
    third?.();
  });

  it('queues two waiters behind a holder that took it at once: each goes after the one before', async () => {
    const mutex = new Mutex();
    const order: string[] = [];
    const first = mutex.tryAcquire() as () => void;
    const waiter = (name: string) =>
      mutex.acquire().then((release) => {
        order.push(`${name} in`);
        return release;
      });
    const second = waiter('second');
    const third = waiter('third');
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]);
    first();
    const releaseSecond = await second;
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['second in']);
    releaseSecond();
    (await third)();
    expect(order).toEqual(['second in', 'third in']);
    // Free again: taken at once, and a waiter after it waits for it.
    const fourth = mutex.tryAcquire() as () => void;
    let fifthIn = false;
    const fifth = mutex.acquire().then((release) => {
      fifthIn = true;
      return release;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(fifthIn).toBe(false);
    fourth();
    (await fifth)();
    expect(fifthIn).toBe(true);
  });

  it('after a holder that took it at once has gone, a waiter waits for the queued holder after it', async () => {
    const mutex = new Mutex();
    (mutex.tryAcquire() as () => void)();
    const holder = await mutex.acquire();
    let waiterIn = false;
    const waiter = mutex.acquire().then((release) => {
      waiterIn = true;
      return release;
    });
    holder();
    (await waiter)();
    expect(waiterIn).toBe(true);
    expect(mutex.tryAcquire()).toBeDefined();
  });

  it('counts a release called twice once', async () => {
    const mutex = new Mutex();
    const release = mutex.tryAcquire() as () => void;
    const waiting = mutex.acquire();
    release();
    release();
    const next = await waiting;
    expect(mutex.tryAcquire()).toBeUndefined();
    next();
    expect(mutex.tryAcquire()).toBeDefined();
  });

  it('gives up a timed-out place in the queue once its turn has passed', async () => {
    const mutex = new Mutex();
    const holder = mutex.tryAcquire() as () => void;
    await expect(mutex.acquireWithin(5, () => new Error('timed out'))).rejects.toThrow('timed out');
    holder();
    // The timed-out waiter's turn comes and is released at once.
    await new Promise((resolve) => setImmediate(resolve));
    expect(mutex.tryAcquire()).toBeDefined();
  });
});
