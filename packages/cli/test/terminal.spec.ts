import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type App, PaymentRequested } from './support/app.ts';
import { scriptInstalled, startOnTerminal, type Target } from './support/cli.ts';
import { openScenario, seedDeposits } from './support/scenario.ts';

const ESC = '\u001b';

describe('es on a terminal (a pseudo-terminal from util-linux script)', () => {
  let target: Target;
  let app: App;

  beforeAll(async () => {
    ({ target, app } = await openScenario('sqlite'));
    await seedDeposits(app, 20_000);
  });
  afterAll(() => app.close());

  it('has util-linux script installed to give it a terminal', () => {
    expect({ scriptInstalled: scriptInstalled() }).toEqual({ scriptInstalled: true });
  });

  it('draws the rebuild progress as a bar redrawn in place, with events per second and the time left', async () => {
    const { code, stdout: screen } = await startOnTerminal(target, ['consumer', 'rebuild', 'balances']).result;
    expect(code).toBe(0);
    // The cursor hidden while the bar is drawn, and shown again after it.
    expect(screen.indexOf(`${ESC}[?25l`)).toBeGreaterThanOrEqual(0);
    expect(screen.indexOf(`${ESC}[?25h`)).toBeGreaterThan(screen.indexOf(`${ESC}[?25l`));
    // Each redraw goes back to the line's first column and clears what the last one left.
    const frames = screen.split(`${ESC}[1G`).slice(1);
    expect(frames.length).toBeGreaterThanOrEqual(2);
    for (const frame of frames) {
      expect(frame).toMatch(
        new RegExp(
          `^rebuilding balances ${ESC}\\[36m[\u2588\u2591]{40}${ESC}\\[39m \\d+% \\| [\\d,]+/20,000 events \\| [\\d,]+ events/s \\| ETA \\S+`,
        ),
      );
    }
    const last = frames.at(-1) as string;
    expect(last).toMatch(new RegExp(`${ESC}\\[36m\u2588{40}${ESC}\\[39m 100% \\| 20,000/20,000 events \\| `));
    expect(screen).toMatch(/\r\nrebuilt balances: 20,000 events in \S+( \S+)?; checkpoint 20000\r\n$/);
    // No plain progress lines on a terminal.
    expect(screen).not.toContain('rebuilding balances: ');
  });

  it('asks before purging dead outbox rows, and keeps them unless the answer is yes', async () => {
    await app.store.append({ category: 'payment', id: 'p-1' }, PaymentRequested.create({ amount: 5 }), {
      expectedVersion: 'no_stream',
    });
    await app.relay.processBatch();
    const declined = await startOnTerminal(target, ['outbox', 'purge'], { input: 'n\n' }).result;
    expect(declined.code).toBe(7);
    expect(declined.stdout).toContain('Delete 1 dead outbox row for good? [y/N] ');
    expect(declined.stdout).toContain('not purged: 1 dead outbox row kept');
    expect((await app.relay.status()).dead).toBe(1);
    const confirmed = await startOnTerminal(target, ['outbox', 'purge'], { input: 'y\n' }).result;
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toContain('1 dead outbox row deleted');
    expect((await app.relay.status()).dead).toBe(0);
  });
});
