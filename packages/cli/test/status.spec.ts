import type { RecordedEvent } from '@es/core';
import { describe, expect, it } from '@jest/globals';
import { PaymentRequested } from './support/app.ts';
import { es, esJson } from './support/cli.ts';
import { DIALECTS } from './support/databases.ts';
import { holdLease, seededScenario } from './support/scenario.ts';

interface StatusJson {
  consumers: {
    name: string;
    tenant: string;
    checkpoint: { transactionId: string; position: string } | null;
    head: { transactionId: string; position: string };
    lag: number;
    oldestUnhandledAt: string | null;
    lagMs: number | null;
    holder: string | null;
    leaseExpiresAt: string | null;
    heldBackBy: { transactionId: string; pid: number; ageMs: number; state: string; query: string } | null;
    parked: number;
    haltedAt: string | null;
  }[];
  heldBack: {
    transactionId: string;
    pid: number;
    ageMs: number;
    state: string;
    query: string;
    committedEventsBehind: number;
  } | null;
  outbox: {
    tenant: string | null;
    pending: number;
    dead: number;
    oldestPendingAt: string | null;
    oldestPendingAgeMs: number | null;
  }[];
}

describe.each(DIALECTS)('es status on %s', (dialect) => {
  const scenario = seededScenario(dialect);

  it('shows every consumer (checkpoint, head, lag) and the outbox (pending, dead, oldest pending) as a table', async () => {
    const run = await es(scenario.target, ['status']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^CONSUMER\s+TENANT\s+CHECKPOINT\s+HEAD\s+LAG\s+BEHIND\s+HOLDER\s+LEASE\s+PARKED\s+HELD BACK BY$/,
    );
    const behind = String.raw`\d+(ms|s|m \d+s)`;
    expect(lines[1]).toMatch(new RegExp(String.raw`^balances\s+default\s+\S.*\s1\s+${behind}\s+-\s+-\s+0\s+-$`));
    expect(lines[2]).toMatch(new RegExp(String.raw`^audit\s+default\s+-\s+.*\s6\s+${behind}\s+-\s+-\s+0\s+-$`));
    expect(run.stdout).toMatch(/\nOUTBOX\s+PENDING\s+DEAD\s+OLDEST PENDING\nall tenants\s+1\s+1\s+\d+(ms|s)/);
    // Piped output is plain text: no colour codes.
    expect(run.stdout).not.toContain('\u001b[');
  });

  it('gives the same as JSON: positions as strings, the oldest pending row by when it was written', async () => {
    const status = await esJson<StatusJson>(scenario.target, ['status']);
    const [balances, audit] = status.consumers;
    expect(balances).toMatchObject({
      name: 'balances',
      tenant: 'default',
      lag: 1,
      holder: null,
      heldBackBy: null,
      parked: 0,
      haltedAt: null,
    });
    // Behind by the time since its first unhandled event (the last account deposit) was recorded.
    const unhandled = scenario.recorded.at(-1) as RecordedEvent;
    expect(balances?.oldestUnhandledAt).toBe(unhandled.recordedAt.toISOString());
    expect(balances?.lagMs).toEqual(expect.any(Number));
    expect(balances?.checkpoint).not.toBeNull();
    expect(audit).toMatchObject({ name: 'audit', checkpoint: null, lag: 6 });
    const pending = scenario.recorded.find((event) => event.stream.id === 'p-2') as RecordedEvent;
    expect(status.outbox).toEqual([
      {
        tenant: null,
        pending: 1,
        dead: 1,
        oldestPendingAt: pending.recordedAt.toISOString(),
        oldestPendingAgeMs: expect.any(Number),
      },
    ]);
  });

  it('names the instance holding a consumer and when its lease runs out', async () => {
    const worker = await holdLease(scenario.app, 'worker-7');
    try {
      const status = await esJson<StatusJson>(scenario.target, ['status']);
      const balances = status.consumers[0];
      expect(balances?.holder).toBe('worker-7');
      expect(new Date(balances?.leaseExpiresAt as string).getTime()).toBeGreaterThan(Date.now());
      const text = await es(scenario.target, ['status']);
      expect(text.stdout.split('\n')[1]).toMatch(/^balances\s+default\s.*\sworker-7\s+\d+(s|m \d+s) left\s/);
    } finally {
      await worker.stop();
    }
  });

  if (dialect === 'postgres') {
    it('names the open transaction that holds the log back', async () => {
      let opened!: () => void;
      let release!: () => void;
      const open = new Promise<void>((resolve) => {
        opened = resolve;
      });
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const transaction = scenario.app.store.transaction(async (store) => {
        await store.append({ category: 'payment', id: 'p-held' }, PaymentRequested.create({ amount: 1 }), {
          expectedVersion: 'no_stream',
        });
        opened();
        await held;
      });
      // Should the append fail, say so rather than wait for `open` for ever.
      await Promise.race([
        open,
        transaction.then(() => {
          throw new Error('the held transaction ended before it appended');
        }),
      ]);
      try {
        // Nothing committed waits behind it yet: nothing is held back.
        expect((await esJson<StatusJson>(scenario.target, ['status'])).heldBack).toBeNull();
        // A payment committed after it began: no reader sees it until the open transaction ends.
        await scenario.app.store.append(
          { category: 'payment', id: 'p-after' },
          PaymentRequested.create({ amount: 2 }),
          {
            expectedVersion: 'no_stream',
          },
        );
        const status = await esJson<StatusJson>(scenario.target, ['status']);
        expect(status.heldBack).toMatchObject({
          transactionId: expect.stringMatching(/^\d+$/),
          pid: expect.any(Number),
          state: 'idle in transaction',
          committedEventsBehind: 1,
        });
        // audit (every category) has that payment to read: held back; balances (accounts only) waits for nothing.
        expect(status.consumers[0]).toMatchObject({ name: 'balances', lag: 0, heldBackBy: null });
        const { committedEventsBehind: _, ageMs: __, ...transaction } = status.heldBack ?? {};
        const heldBackBy = status.consumers[1]?.heldBackBy;
        expect(heldBackBy).toMatchObject(transaction);
        const text = await es(scenario.target, ['status']);
        expect(text.stdout).toContain(
          `log held back: 1 committed event waits behind transaction ${heldBackBy?.transactionId} (pid ${heldBackBy?.pid}, idle in transaction, open `,
        );
        expect(text.stdout.split('\n')[2]).toMatch(
          new RegExp(`^audit\\s.*\\stx ${heldBackBy?.transactionId} \\(pid ${heldBackBy?.pid}, \\d+`),
        );
        expect(text.stdout.split('\n')[1]).toMatch(/^balances\s.*\s-$/);
      } finally {
        release();
        await transaction;
      }
    });
  }
});
