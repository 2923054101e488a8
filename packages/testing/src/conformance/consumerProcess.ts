// A consumer in its own OS process, for the crash test: `node consumerProcess.js <targetModule>
// <consumerName> <pauseMs>`. It projects every event id into the host table and reports each
// committed batch to the parent. The parent kills it with SIGKILL mid-batch.
import { pathToFileURL } from 'node:url';
import { createConsumer, createEventStore } from '@es/core';
import { bankEvents } from './fixtures.js';
import type { ConformanceTarget } from './target.js';

const [modulePath, name, pause] = process.argv.slice(2);
if (!modulePath || !name) throw new Error('usage: consumerProcess <targetModule> <consumerName> <pauseMs>');
const { openTarget } = (await import(pathToFileURL(modulePath).href)) as {
  openTarget(): Promise<ConformanceTarget<unknown>>;
};
const target = await openTarget();
const store = createEventStore({ backend: target.backendInstance(), events: bankEvents, tenant: 'crash' });
const consumer = createConsumer(store, {
  name,
  batchSize: 25,
  leaseMs: 500,
  polling: { minMs: 5, maxMs: 50 },
  onError: (error) => console.error('consumer process:', error),
  async handle(events, context) {
    for (const event of events) await target.writeHostRow(context.transaction, event.id);
    // Hold the batch open so a kill lands mid-batch, after rows were written but before commit.
    await new Promise((resolve) => setTimeout(resolve, Number(pause ?? 20)));
  },
});
consumer.start();
// The parent holds the IPC channel: when it goes away (even killed), so does this process.
process.on('disconnect', () => process.exit(0));
process.send?.('started');
