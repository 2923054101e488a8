import { describe, expect, it } from '@jest/globals';
import { es, esJson } from './support/cli.ts';
import { DIALECTS } from './support/databases.ts';
import { holdLease, seededScenario } from './support/scenario.ts';

interface Moved {
  consumer: string;
  from: { transactionId: string; position: string } | null;
  to: { transactionId: string; position: string };
  lag: number;
}

describe.each(DIALECTS)('es consumer on %s', (dialect) => {
  const scenario = seededScenario(dialect);
  const accountEvents = () =>
    scenario.recorded.filter((event) => event.stream.category === 'account' && event.stream.tenant === 'default');

  it('rebuilds a consumer: its clear() empties the read model, then the log is replayed into it', async () => {
    expect(await scenario.app.handledCount()).toBe(2);
    const run = await es(scenario.target, ['consumer', 'rebuild', 'balances']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^rebuilt balances: 3 events in \d+(ms|s); checkpoint .+\n$/);
    // Not a terminal: plain progress lines.
    expect(run.stderr).toMatch(/^rebuilding balances: 3\/3 events \(100%\), [\d,]+ events\/s, ETA \S+\n$/m);
    expect(await scenario.app.handledCount()).toBe(3);
    expect((await scenario.app.balances.status()).lag).toBe(0);
    const json = await esJson<{ consumer: string; handled: number }>(scenario.target, [
      'consumer',
      'rebuild',
      'balances',
    ]);
    expect(json).toMatchObject({ consumer: 'balances', handled: 3 });
    expect(await scenario.app.handledCount()).toBe(3);
  });

  it('refuses to rebuild a consumer the config gives no clear() unless told to replay over its read model', async () => {
    const refused = await es(scenario.target, ['consumer', 'rebuild', 'audit']);
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toBe(
      "es: consumer 'audit' has no clear() in test/support/es.config.ts: give it as { consumer, clear }, or pass --without-clear to replay over its read model as it is\n",
    );
    const replayed = await es(scenario.target, ['consumer', 'rebuild', 'audit', '--without-clear']);
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toMatch(/^rebuilt audit: 6 events in /);
  });

  it("resets a consumer's checkpoint to an event's position, to the start or to the end", async () => {
    const [, second] = accountEvents();
    const toSecond = await esJson<Moved>(scenario.target, [
      'consumer',
      'reset',
      'balances',
      '--to',
      String(second?.position),
    ]);
    expect(toSecond).toMatchObject({ consumer: 'balances', to: { position: String(second?.position) }, lag: 1 });
    expect(toSecond.to.transactionId).toBe(String(second?.transactionId));
    expect((await scenario.app.balances.status()).checkpoint).toEqual({
      transactionId: second?.transactionId,
      position: second?.position,
    });

    const toStart = await es(scenario.target, ['consumer', 'reset', 'balances', '--to', 'start']);
    expect(toStart.code).toBe(0);
    expect(toStart.stdout).toMatch(/^balances: checkpoint moved from .+ to 0; 3 events to handle from there\n$/);
    const toEnd = await esJson<Moved>(scenario.target, ['consumer', 'reset', 'balances', '--to', 'end']);
    expect(toEnd.lag).toBe(0);
    expect(toEnd.from).toEqual({ transactionId: '0', position: '0' });
  });

  it('says which consumers the config has when the name is not one (exit code 4), and refuses a malformed --to (2)', async () => {
    const missing = await es(scenario.target, ['consumer', 'reset', 'nope', '--to', 'start']);
    expect(missing).toMatchObject({
      code: 4,
      stderr: "es: no consumer 'nope' in test/support/es.config.ts (it has: balances, audit)\n",
    });
    const otherTenant = await es(scenario.target, ['consumer', 'rebuild', 'balances', '--tenant', 'acme']);
    expect(otherTenant.code).toBe(4);
    const malformed = await es(scenario.target, ['consumer', 'reset', 'balances', '--to', 'yesterday']);
    expect(malformed).toMatchObject({
      code: 2,
      stderr: `es: --to takes a global position, 'start' or 'end'; got "yesterday"\n`,
    });
  });

  it('refuses while another instance holds the consumer (exit code 6, the store error code shown), leaving its checkpoint', async () => {
    const worker = await holdLease(scenario.app, 'worker-7');
    try {
      const before = (await scenario.app.balances.status()).checkpoint;
      for (const args of [
        ['consumer', 'reset', 'balances', '--to', 'start'],
        ['consumer', 'rebuild', 'balances'],
      ]) {
        const run = await es(scenario.target, args);
        expect(run).toMatchObject({
          code: 6,
          stdout: '',
          stderr: "es: CONSUMER_HELD: Consumer 'balances' is held by worker-7 until its lease runs out\n",
        });
      }
      expect((await scenario.app.balances.status()).checkpoint).toEqual(before);
      const json = await es(scenario.target, ['consumer', 'reset', 'balances', '--to', 'start', '--json']);
      expect(JSON.parse(json.stderr)).toEqual({
        error: {
          code: 'CONSUMER_HELD',
          message: "Consumer 'balances' is held by worker-7 until its lease runs out",
          exitCode: 6,
        },
      });
    } finally {
      await worker.stop();
    }
  });
});
