// An outbox relay in its own OS process, publishing the store's events to the cluster:
// `node relayProcess.ts <sqlite file> <servers,comma,separated> <record file> <owner>`. It appends a
// line per acknowledged publish (`ack <ms> <event id> <owner>`) and per failure (`fail <ms> <message>`)
// to the record file, so the test can see what it delivered even after killing it with SIGKILL.
// Told `stall` by the parent, it hangs right after its next acknowledged publish: the rows of that
// batch are in the stream but still in the outbox, so a relay killed now is certainly killed
// mid-batch, and the next one publishes them again.
import { appendFileSync } from 'node:fs';
import { createOutboxRelay } from '@es/core';
import { connect } from '@nats-io/transport-node';
import { createJetStreamPublisher } from '../../src/index.ts';
import { openStore } from './store.ts';

const [file, servers, recordFile, owner] = process.argv.slice(2);
if (!file || !servers || !recordFile || !owner)
  throw new Error('usage: relayProcess <file> <servers> <record> <owner>');

const { store } = openStore(file);
// Every node: when the one it is connected to dies, the client moves to another and carries on.
const connection = await connect({
  servers: servers.split(','),
  maxReconnectAttempts: -1,
  reconnectTimeWait: 100,
});
const publish = createJetStreamPublisher({ connection, timeoutMs: 2_000 });
const relay = createOutboxRelay(store, {
  owner,
  batchSize: 50,
  // A relay killed mid-batch holds its rows this long; the next one takes them over after.
  leaseMs: 5_000,
  // Retries fast, and never parks a row as dead while the cluster elects a new leader.
  backoff: { baseMs: 100, maxMs: 1_000 },
  maxAttempts: 1_000,
  polling: { minMs: 5, maxMs: 50 },
  async publish(event) {
    await publish(event);
    appendFileSync(recordFile, `ack ${Date.now()} ${event.id} ${owner}\n`);
    if (stalling) {
      appendFileSync(recordFile, `stalled ${Date.now()} ${owner}\n`);
      await new Promise(() => {});
    }
  },
  onError: (error) =>
    appendFileSync(recordFile, `fail ${Date.now()} ${String((error as Error).message).replace(/\n/g, ' ')}\n`),
});
let stalling = false;
process.on('message', (message) => {
  if (message === 'stall') stalling = true;
});
relay.start();
// The process ends with the test that started it, even when the test is killed.
process.on('disconnect', () => process.exit(0));
process.send?.('started');
