/**
 * The event browser's consumers of a partitioned consumer (issue #25): each partition's holder,
 * checkpoint and lag, and the live instances, in `api/consumers` as the page reads it.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type Dialect, shippingConsumer } from '../../../cli/test/support/app.ts';
import { DIALECTS } from '../../../cli/test/support/databases.ts';
import { runShipping } from '../../../cli/test/support/scenario.ts';
import type { ConsumersResponse } from '../../dist/server/index.js';
import { type ServedEventBrowser, serveEventBrowser } from '../../dist/server/index.js';
import { request } from './support/http.ts';
import { type Seeded, seeded } from './support/seeded.ts';

describe.each(DIALECTS)('the event browser API of a partitioned consumer on %s', (dialect: Dialect) => {
  let seed: Seeded;
  let served: ServedEventBrowser;

  beforeAll(async () => {
    seed = await seeded(dialect);
    served = await serveEventBrowser({
      ...seed.app,
      consumers: [...seed.app.consumers, shippingConsumer(seed.app.store)],
      port: 0,
    });
  });
  afterAll(async () => {
    await served?.close();
    await seed?.app.close();
  });

  test('lists each partition with its holder, checkpoint and lag, and the live instances', async () => {
    const instances = await runShipping(seed.app, ['worker-1', 'worker-2']);
    try {
      const { body } = await request<ConsumersResponse>(new URL('api/consumers', served.url).href);
      const shipping = body.consumers.find((consumer) => consumer.name === 'shipping');
      expect(shipping).toMatchObject({
        lag: 0,
        status: 'caught-up',
        holder: null,
        instances: ['worker-1', 'worker-2'],
      });
      expect(shipping?.partitions?.map((partition) => partition.partition)).toEqual([0, 1, 2, 3]);
      for (const partition of shipping?.partitions ?? []) {
        expect(partition).toMatchObject({ lag: 0, holder: expect.stringMatching(/^worker-[12]$/) });
        expect(partition.checkpoint).toMatch(/^\d+:\d+$/);
        expect(Date.parse(partition.leaseExpiresAt ?? '')).not.toBeNaN();
      }
      expect(shipping?.partitions?.filter((partition) => partition.holder === 'worker-2')).toHaveLength(2);
      expect(body.consumers.find((consumer) => consumer.name === 'balances')).toMatchObject({
        partitions: null,
        instances: null,
      });
    } finally {
      await instances.stop();
    }
  });
});
