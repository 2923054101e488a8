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
