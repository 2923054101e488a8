// An outbox relay in its own OS process, for the crash test: `node relayProcess.js <targetModule>
// <recordFile> <owner>`. Its publisher appends one line per delivered event to the record file
// (`<event id> <stream> <version> <owner>`); the parent kills the process with SIGKILL at random times.
import { appendFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createEventStore, createOutboxRelay } from '@es/core';
import { bankEvents } from './fixtures.js';
import type { ConformanceTarget } from './target.js';

const [modulePath, recordFile, owner] = process.argv.slice(2);
if (!modulePath || !recordFile || !owner) throw new Error('usage: relayProcess <targetModule> <recordFile> <owner>');
const { openTarget } = (await import(pathToFileURL(modulePath).href)) as {
  openTarget(): Promise<ConformanceTarget<unknown>>;
};
const target = await openTarget();
const store = createEventStore({ backend: target.backendInstance(), events: bankEvents });
const relay = createOutboxRelay(store, {
  owner,
  batchSize: 50,
  leaseMs: 1_000,
  polling: { minMs: 5, maxMs: 50 },
  onError: (error) => console.error('relay process:', error),
  async publish(event) {
    appendFileSync(
      recordFile,
      `${event.id} ${event.stream.tenant}/${event.stream.category}/${event.stream.id} ${event.version} ${owner}\n`,
    );
  },
});
relay.start();
// The parent holds the IPC channel: when it goes away (even killed), so does this process.
process.on('disconnect', () => process.exit(0));
process.send?.('started');
