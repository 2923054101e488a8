import { fileURLToPath } from 'node:url';
import { partitionOf } from '@es/core';
import { describe, expect, it } from '@jest/globals';
import { Deposited, SHIPPING_PARTITIONS } from './support/app.ts';
import { es, esJson } from './support/cli.ts';
import { DIALECTS } from './support/databases.ts';
import { runShipping, seededScenario } from './support/scenario.ts';

/** The config with `shipping`, a consumer of the account events in 4 partitions. */
const PARTITIONED = fileURLToPath(new URL('./support/partitioned.config.ts', import.meta.url));

interface PartitionJson {
  partition: number;
  holder: string | null;
  held: boolean;
  checkpoint: { transactionId: string; position: string } | null;
  lag: number;
  leaseOwner: string | null;
  leaseExpiresAt: string | null;
}

interface ConsumerJson {
  name: string;
  tenant: string;
  lag: number;
  holder: string | null;
  partitions: PartitionJson[] | null;
  instances: { owner: string; expiresAt: string }[] | null;
}

const statusJson = async (target: Parameters<typeof esJson>[0]) =>
  (await esJson<{ consumers: ConsumerJson[] }>(target, ['status'], { config: PARTITIONED })).consumers;

describe.each(DIALECTS)('es status of a partitioned consumer on %s', (dialect) => {
  const scenario = seededScenario(dialect);

  it('shows each partition (holder, checkpoint, lag, held) and the live instances, in --json and as a table', async () => {
    const instances = await runShipping(scenario.app, ['worker-1', 'worker-2']);
    try {
      const shipping = (await statusJson(scenario.target)).find((consumer) => consumer.name === 'shipping');
      expect(shipping).toMatchObject({
        tenant: 'default',
        lag: 0,
        holder: null,
        instances: [
          { owner: 'worker-1', expiresAt: expect.any(String) },
          { owner: 'worker-2', expiresAt: expect.any(String) },
        ],
      });
      const partitions = shipping?.partitions ?? [];
      expect(partitions.map((partition) => partition.partition)).toEqual([0, 1, 2, 3]);
      for (const partition of partitions) {
        expect(partition).toMatchObject({ held: true, lag: 0, holder: expect.stringMatching(/^worker-[12]$/) });
        expect(partition.leaseOwner).toBe(partition.holder);
        // Every partition has read the log to its end, events of its own in it or not.
        expect(partition.checkpoint).not.toBeNull();
      }
      expect(partitions.filter((partition) => partition.holder === 'worker-1')).toHaveLength(2);
      // The unpartitioned consumers have no partitions.
      expect((await statusJson(scenario.target)).find((consumer) => consumer.name === 'balances')).toMatchObject({
        partitions: null,
        instances: null,
      });

      const text = await es(scenario.target, ['status'], { config: PARTITIONED });
      expect(text).toMatchObject({ code: 0, stderr: '' });
      const lines = text.stdout.split('\n');
      expect(lines[3]).toMatch(/^shipping\s+default\s+\S.*\s0\s+-\s+2 instances\s+4 partitions\s+0\s+-$/);
      const title = lines.indexOf('shipping (default): 4 partitions, 4 held; live instances: worker-1, worker-2');
      expect(title).toBeGreaterThan(3);
      expect(lines[title + 1]).toMatch(/^PARTITION\s+HOLDER\s+CHECKPOINT\s+LAG\s+HELD\s+LEASE$/);
      for (const partition of partitions) {
        expect(lines[title + 2 + partition.partition]).toMatch(
          new RegExp(String.raw`^${partition.partition}\s+${partition.holder}\s+\S.*\s0\s+yes\s+\d+(ms|s) left$`),
        );
      }
    } finally {
      await instances.stop();
    }
  });

  it('once its instances stop: no partition held, and the lag of the partition a new event falls in', async () => {
    const stream = { tenant: 'default', category: 'account', id: 'a-1' };
    await scenario.app.store.append(stream, Deposited.create({ amount: 9 }), { expectedVersion: 2 });
    const behind = partitionOf(stream, SHIPPING_PARTITIONS);

    const shipping = (await statusJson(scenario.target)).find((consumer) => consumer.name === 'shipping');
    expect(shipping?.instances).toEqual([]);
    expect(shipping?.lag).toBeGreaterThanOrEqual(1);
    expect(shipping?.partitions?.map(({ partition, held, holder, lag }) => ({ partition, held, holder, lag }))).toEqual(
      [0, 1, 2, 3].map((partition) => ({ partition, held: false, holder: null, lag: partition === behind ? 1 : 0 })),
    );

    const lines = (await es(scenario.target, ['status'], { config: PARTITIONED })).stdout.split('\n');
    const title = lines.indexOf('shipping (default): 4 partitions, 0 held; live instances: none');
    expect(title).toBeGreaterThan(3);
    expect(lines[title + 2 + behind]).toMatch(new RegExp(String.raw`^${behind}\s+-\s+\S.*\s1\s+no\s+(-|expired)$`));
  });
});
