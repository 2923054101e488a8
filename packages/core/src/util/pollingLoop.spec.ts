import { describe, expect, it } from '@jest/globals';
import { PollingLoop, type RoundOutcome } from './pollingLoop.js';

describe('PollingLoop', () => {
  it('stop() during a round that finds nothing returns without sleeping out the idle pause', async () => {
    let finishRound!: (outcome: RoundOutcome) => void;
    let rounds = 0;
    const loop = new PollingLoop(
      () => {
        rounds++;
        return new Promise<RoundOutcome>((resolve) => {
          finishRound = resolve;
        });
      },
      () => {},
      { minMs: 60_000, maxMs: 60_000 },
    );
    loop.start();
    const stopped = loop.stop(); // the round is in flight: there is no pause to interrupt yet
    finishRound('idle');
    // With the bug this waited the whole minute (and failed the 5 s test timeout).
    await stopped;
    expect(rounds).toBe(1);
    expect(loop.isRunning).toBe(false);
  }, 5_000);

  it('retries a held-back round soon, whatever the idle backoff', async () => {
    const outcomes: RoundOutcome[] = ['held-back', 'held-back', 'worked'];
    let rounds = 0;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const loop = new PollingLoop(
      async () => {
        const outcome = outcomes[rounds++] ?? 'idle';
        if (rounds === outcomes.length) done();
        return outcome;
      },
      () => {},
      { minMs: 60_000, maxMs: 60_000 },
    );
    loop.start();
    await finished; // held back twice (5 and 10 ms), then work: an idle pause would take a minute
    await loop.stop();
    expect(rounds).toBeGreaterThanOrEqual(outcomes.length);
  }, 5_000);
});
