// An outbox relay in its own OS process, for the crash test: `node relayProcess.js <targetModule>
// <recordFile> <owner>`. Its publisher appends one line per delivered event to the record file
// (`<event id> <stream> <version> <owner>`); the parent kills the process with SIGKILL at random times.
import { appendFileSync } from 'node:fs';
import { createEventStore, createOutboxRelay } from '@es/core';
import { childWorkerOptions, openParentTarget, runForParent } from './childProcess.js';
import { bankEvents } from './fixtures.js';

const [modulePath, recordFile, owner] = process.argv.slice(2);
if (!modulePath || !recordFile || !owner) throw new Error('usage: relayProcess <targetModule> <recordFile> <owner>');
const target = await openParentTarget(modulePath);
const store = createEventStore({ backend: target.backendInstance(), events: bankEvents });
const relay = createOutboxRelay(store, {
  owner,
  batchSize: 50,
  leaseMs: 1_000,
  ...childWorkerOptions('relay'),
  async publish(event) {
    appendFileSync(
      recordFile,
      `${event.id} ${event.stream.tenant}/${event.stream.category}/${event.stream.id} ${event.version} ${owner}\n`,
    );
  },
});
runForParent(relay);
