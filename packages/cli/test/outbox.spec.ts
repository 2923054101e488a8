import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type App, PaymentRequested } from './support/app.ts';
import { es, esJson, type Target } from './support/cli.ts';
import { DIALECTS } from './support/databases.ts';
import { openScenario } from './support/scenario.ts';

interface DeadJson {
  id: string;
  attempts: number;
  lastError: string;
  event: {
    id: string;
    type: string;
    stream: { tenant: string; category: string; id: string };
    version: number;
    position: string;
  };
}

/** Payments whose first publish fails: with `maxAttempts: 1` each row is dead at once. */
async function deadPayments(app: App, ids: string[], tenant?: string): Promise<void> {
  const store = tenant ? app.store.forTenant(tenant) : app.store;
  for (const id of ids) {
    await store.append({ category: 'payment', id }, PaymentRequested.create({ amount: 5 }), {
      expectedVersion: 'no_stream',
    });
  }
  await app.relay.processBatch();
  if (tenant) {
    const { createOutboxRelay } = await import('@es/core');
    await createOutboxRelay(store, {
      maxAttempts: 1,
      publish: () => Promise.reject(new Error('down')),
      onError: () => {},
    }).processBatch();
  }
}

describe.each(DIALECTS)('es outbox on %s', (dialect) => {
  let target: Target;
  let app: App;

  beforeAll(async () => {
    ({ target, app } = await openScenario(dialect));
    await deadPayments(app, ['p-1', 'p-2', 'p-3']);
    await deadPayments(app, ['p-9'], 'acme');
  });
  afterAll(() => app.close());

  it('lists dead rows with their stream, event and last error, every tenant or one', async () => {
    const run = await es(target, ['outbox', 'dead']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+STREAM\s+VERSION\s+TYPE\s+POSITION\s+ATTEMPTS\s+LAST ERROR$/);
    expect(lines[1]).toMatch(
      /^\d+\s+default\/payment\/p-1\s+1\s+PaymentRequested\s+\d+\s+1\s+Error: broker unreachable: connect ECONNREFUSED 127\.0\.0\.1:5999$/,
    );
    expect(lines).toHaveLength(5);
    const dead = await esJson<DeadJson[]>(target, ['outbox', 'dead']);
    expect(dead.map((row) => `${row.event.stream.tenant}/${row.event.stream.id}`)).toEqual([
      'default/p-1',
      'default/p-2',
      'default/p-3',
      'acme/p-9',
    ]);
    expect(dead[0]).toMatchObject({
      attempts: 1,
      lastError: 'Error: broker unreachable: connect ECONNREFUSED 127.0.0.1:5999',
      event: { type: 'PaymentRequested', version: 1 },
    });
    const acme = await esJson<DeadJson[]>(target, ['outbox', 'dead', '--tenant', 'acme']);
    expect(acme.map((row) => row.event.stream.id)).toEqual(['p-9']);
  });

  it('retries the dead rows named, or all of them: they are pending again', async () => {
    const [first] = await esJson<DeadJson[]>(target, ['outbox', 'dead']);
    const one = await es(target, ['outbox', 'retry', first?.id as string]);
    expect(one).toMatchObject({
      code: 0,
      stdout: '1 dead outbox row made pending again: the relays publish it next\n',
    });
    expect(await app.relay.status()).toMatchObject({ pending: 1, dead: 3 });
    expect(await esJson(target, ['outbox', 'retry', '--tenant', 'acme'])).toEqual({ retried: 1 });
    expect(await app.relay.status()).toMatchObject({ pending: 2, dead: 2 });
    const malformed = await es(target, ['outbox', 'retry', 'x1']);
    expect(malformed).toMatchObject({ code: 2, stderr: 'es: outbox row id "x1" is not a number\n' });
    await app.relay.processBatch(); // they fail again, and are dead again
    expect(await app.relay.status()).toMatchObject({ pending: 0, dead: 4 });
  });

  it('purges dead rows only once confirmed: refused without a terminal to ask (exit code 7), done with --yes', async () => {
    const refused = await es(target, ['outbox', 'purge']);
    expect(refused).toMatchObject({
      code: 7,
      stdout: '',
      stderr: 'es: "Delete 4 dead outbox rows for good?" needs an answer and there is no terminal to ask: pass --yes\n',
    });
    expect((await app.relay.status()).dead).toBe(4);
    const [first] = await esJson<DeadJson[]>(target, ['outbox', 'dead']);
    const one = await es(target, ['outbox', 'purge', first?.id as string, '--yes']);
    expect(one).toMatchObject({ code: 0, stdout: '1 dead outbox row deleted\n' });
    expect(await esJson(target, ['outbox', 'purge', '--yes', '--tenant', 'acme'])).toEqual({ purged: 1 });
    const rest = await es(target, ['outbox', 'purge', '-y']);
    expect(rest).toMatchObject({ code: 0, stdout: '2 dead outbox rows deleted\n' });
    expect(await app.relay.status()).toMatchObject({ pending: 0, dead: 0 });
    expect(await es(target, ['outbox', 'purge'])).toMatchObject({ code: 0, stdout: 'no dead outbox rows\n' });
    expect(await es(target, ['outbox', 'dead'])).toMatchObject({ code: 0, stdout: 'no dead outbox rows\n' });
  });
});
