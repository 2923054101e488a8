import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { App } from './support/app.ts';
import { es, startEs, type Target } from './support/cli.ts';
import { DIALECTS } from './support/databases.ts';
import { openScenario, seedDeposits } from './support/scenario.ts';

const EVENTS = 100_000;
const count = (text: string) => Number(text.replaceAll(',', ''));

describe.each(DIALECTS)('es consumer rebuild of 100,000 events on %s', (dialect) => {
  let target: Target;
  let app: App;

  beforeAll(async () => {
    ({ target, app } = await openScenario(dialect));
    await seedDeposits(app, EVENTS);
  }, 600_000);
  afterAll(() => app.close());

  it('stops after the batch in flight on Ctrl-C with its read model matching its checkpoint, and --resume finishes it', async () => {
    const rebuild = startEs(target, ['consumer', 'rebuild', 'balances']);
    await rebuild.waitFor('stderr', /^rebuilding balances: [\d,]+\/100,000 events/m);
    rebuild.child.kill('SIGINT');
    const interrupted = await rebuild.result;
    expect({ code: interrupted.code, stdout: interrupted.stdout }).toEqual({ code: 130, stdout: '' });
    expect(interrupted.stderr).toContain('stopping after the batch in flight (Ctrl-C again to quit at once)');
    const [, stoppedAfter] =
      interrupted.stderr.match(
        /interrupted after ([\d,]+) events; the checkpoint stands at .+, after the last batch, with its read model: go on with es consumer rebuild balances --resume\n$/,
      ) ?? [];
    const handled = count(stoppedAfter ?? 'NaN');
    expect(handled).toBeGreaterThan(0);
    expect(handled).toBeLessThan(EVENTS);
    // Every batch committed its read-model rows with its checkpoint: exactly the events before it.
    expect(await app.handledCount()).toBe(handled);
    expect((await app.balances.status()).lag).toBe(EVENTS - handled);

    const resumed = await es(target, ['consumer', 'rebuild', 'balances', '--resume']);
    expect(resumed.code).toBe(0);
    const left = (EVENTS - handled).toLocaleString('en-US');
    expect(resumed.stdout).toMatch(new RegExp(`^resumed balances: ${left} events in \\S+( \\S+)?; checkpoint .+\\n$`));
    expect(resumed.stderr).toMatch(
      new RegExp(`^resuming balances: ${left}/${left} events \\(100%\\), [\\d,]+ events/s, ETA \\S+$`, 'm'),
    );
    // Each event once: the read model's key (the event id) would refuse a second.
    expect(await app.handledCount()).toBe(EVENTS);
    expect((await app.balances.status()).lag).toBe(0);
  });
});
