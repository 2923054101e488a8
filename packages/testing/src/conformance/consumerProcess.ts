// A consumer in its own OS process, for the crash test: `node consumerProcess.js <targetModule>
// <consumerName> <pauseMs>`. It projects every event id into the host table and reports each
// committed batch to the parent. The parent kills it with SIGKILL mid-batch.
import { createConsumer, createEventStore } from '@es/core';
import { childWorkerOptions, openParentTarget, runForParent } from './childProcess.js';
import { bankEvents } from './fixtures.js';

const [modulePath, name, pause] = process.argv.slice(2);
if (!modulePath || !name) throw new Error('usage: consumerProcess <targetModule> <consumerName> <pauseMs>');
const target = await openParentTarget(modulePath);
const store = createEventStore({ backend: target.backendInstance(), events: bankEvents, tenant: 'crash' });
const consumer = createConsumer(store, {
  name,
  batchSize: 25,
  leaseMs: 500,
  ...childWorkerOptions('consumer'),
  async handle(events, context) {
    for (const event of events) await target.writeHostRow(context.transaction, event.id);
    // Hold the batch open so a kill lands mid-batch, after rows were written but before commit.
    await new Promise((resolve) => setTimeout(resolve, Number(pause ?? 20)));
  },
});
runForParent(consumer);
