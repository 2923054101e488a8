// The outbox relay against a 3-node JetStream cluster that loses the stream leader's node
// (SIGKILL) in the middle of 20,000 events, and gets it back later: every event lands exactly
// once, in per-stream order, and the relay keeps delivering while the node is down. The second
// test also kills the relay's own process during the outage and starts a new one.
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { type NatsConnection, nanos } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { NatsCluster, Timeline, waitFor, waitForMetaLeader, within } from './support/cluster.ts';
import { createTables, Deposited, openStore } from './support/store.ts';

const STREAMS = 400;
const EVENTS_PER_STREAM = 50;
const EVENTS = STREAMS * EVENTS_PER_STREAM; // 20,000
const RELAY_SCRIPT = fileURLToPath(new URL('./support/relayProcess.ts', import.meta.url));

let cluster: NatsCluster;
let nc: NatsConnection;
let workDir: string;
const relays: ChildProcess[] = [];

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'es-nats-cluster-test-'));
  cluster = await NatsCluster.start();
  nc = await connect({ servers: cluster.servers, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  await waitForMetaLeader(nc, cluster);
}, 60_000);

afterAll(async () => {
  for (const relay of relays) await killProcess(relay);
  await nc?.close();
  await cluster?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

async function killProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** A relay process on the store file, publishing to every node of the cluster. */
async function startRelay(file: string, record: string, owner: string): Promise<ChildProcess> {
  const child = fork(RELAY_SCRIPT, [file, cluster.servers.join(','), record, owner], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env },
  });
  relays.push(child);
  await within(
    `starting ${owner}`,
    60_000,
    new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`relay process exited with ${code}`)));
    }),
    cluster,
  );
  return child;
}

/** The record's lines of one kind (`ack`, `fail`, `stalled`), split into their fields. */
function recorded(record: string, kind: string): string[][] {
  return readFileSync(record, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith(`${kind} `))
    .map((line) => line.split(' '));
}

/** The acknowledged publishes the relay processes wrote down, as times in ms. */
const ackTimes = (record: string) => recorded(record, 'ack').map((fields) => Number(fields[1]));

/** Events acknowledged more than once: published again by a relay after another's crash. */
function republished(record: string): number {
  const ids = recorded(record, 'ack').map((fields) => fields[2]);
  return ids.length - new Set(ids).size;
}

const acksSince = (record: string, since: number) => ackTimes(record).filter((time) => time >= since).length;

/** Resolves once at least `count` publishes were acknowledged at or after `since`. */
function waitForAcks(record: string, count: number, since = 0): Promise<number> {
  return waitFor(
    `${count} acknowledged publishes`,
    async () => {
      const acked = acksSince(record, since);
      return acked >= count ? acked : undefined;
    },
    120_000,
    cluster,
  );
}

/** The longest time between two acknowledged publishes, from the first to the last. */
function longestGap(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let gap = 0;
  for (let i = 1; i < sorted.length; i++) gap = Math.max(gap, sorted[i]! - sorted[i - 1]!);
  return gap;
}

type Message = { id: string; stream: string; version: number };

/**
 * Every message of the stream in stream order, fetched in batches by a pull consumer that starts
 * where the read is. A consumer can stall after the stream's leader changed, which this read
 * follows closely, so when a batch brings nothing the read makes a new consumer from there.
 */
async function readStream(name: string): Promise<Message[]> {
  const manager = await jetstreamManager(nc);
  const { first_seq: first, last_seq: last } = (await manager.streams.info(name)).state;
  const messages: Message[] = [];
  let next = first;
  let consumersMade = 0;
  let gaveUp = false;
  const read = async () => {
    while (next <= last && !gaveUp) {
      let consumerName: string | undefined;
      try {
        consumerName = (
          await manager.consumers.add(name, {
            ack_policy: AckPolicy.None,
            deliver_policy: DeliverPolicy.StartSequence,
            opt_start_seq: next,
            mem_storage: true,
            num_replicas: 1,
            inactive_threshold: nanos(60_000),
          })
        ).name;
        consumersMade++;
        const consumer = await jetstream(nc).consumers.get(name, consumerName);
        let from: number;
        do {
          from = next;
          for await (const message of await consumer.fetch({ max_messages: 1_000, expires: 5_000 })) {
            messages.push({
              id: message.headers?.get('Nats-Msg-Id') ?? '',
              stream: message.headers?.get('Es-Stream') ?? '',
              version: Number(message.headers?.get('Es-Version')),
            });
            next = message.seq + 1;
          }
        } while (next !== from && next <= last && !gaveUp);
      } catch {
        // Between leaders, or the consumer failed under the read: a new one starts from `next`.
        await new Promise((resolve) => setTimeout(resolve, 200));
      } finally {
        if (consumerName) await manager.consumers.delete(name, consumerName).catch(() => {});
      }
    }
  };
  try {
    await within(
      () => `reading stream ${name} (${messages.length} of ${last - first + 1} read, ${consumersMade} consumers made)`,
      120_000,
      read(),
      cluster,
    );
  } finally {
    gaveUp = true;
  }
  return messages;
}

/**
 * Writes 20,000 events of 400 streams into a fresh SQLite store, and a JetStream stream with 3
 * replicas capturing their subjects.
 */
async function prepare(name: string) {
  const category = `cluster${name}`;
  const file = join(workDir, `${name}.sqlite`);
  await createTables(file);
  const opened = openStore(file);
  for (let round = 0; round < EVENTS_PER_STREAM / 10; round++) {
    for (let s = 0; s < STREAMS; s++) {
      const events = Array.from({ length: 10 }, (_, i) => Deposited.create({ amount: round * 10 + i + 1 }));
      await opened.store.append({ category, id: `s${s}` }, events, {
        expectedVersion: round === 0 ? 'no_stream' : round * 10,
      });
    }
  }
  const stream = `ES_CLUSTER_${name}`;
  const manager = await jetstreamManager(nc);
  // Retried: right after the meta leader, placing a replicated stream can still fail.
  await waitFor(
    'the stream to be created',
    () =>
      manager.streams.add({
        name: stream,
        subjects: [`es.*.${category}.>`],
        storage: StorageType.File,
        num_replicas: 3,
        // Longer than the whole test: every retry of the relay is inside it.
        duplicate_window: nanos(10 * 60_000),
      }),
    30_000,
    cluster,
  );
  const leader = await waitFor(
    'a stream leader',
    async () => (await manager.streams.info(stream)).cluster?.leader,
    30_000,
    cluster,
  );
  return { category, file, opened, stream, leader, record: join(workDir, `${name}.record`) };
}

/** The event ids of each stream of the store, in version order. */
async function storedIds(opened: ReturnType<typeof openStore>, category: string) {
  const expected = new Map<string, string[]>();
  for (let s = 0; s < STREAMS; s++) {
    const events = await opened.store.readStream({ category, id: `s${s}` });
    expected.set(
      `default/${category}/s${s}`,
      events.map((event) => event.id),
    );
  }
  return expected;
}

/** Every row published and deleted: the relay is done. */
async function waitForEmptyOutbox(scenario: Awaited<ReturnType<typeof prepare>>) {
  await waitFor(
    'an empty outbox',
    async () => (scenario.opened.outboxRows() === 0 ? true : undefined),
    240_000,
    cluster,
  );
}

/** Exactly once and in per-stream order: each stream's message ids are its event ids in version order. */
async function expectEveryEventOnceInOrder(scenario: Awaited<ReturnType<typeof prepare>>) {
  const messages = await readStream(scenario.stream);
  expect(messages).toHaveLength(EVENTS);
  expect(new Set(messages.map((message) => message.id)).size).toBe(EVENTS);
  const received = new Map<string, string[]>();
  const versions = new Map<string, number[]>();
  for (const message of messages) {
    received.set(message.stream, [...(received.get(message.stream) ?? []), message.id]);
    versions.set(message.stream, [...(versions.get(message.stream) ?? []), message.version]);
  }
  expect(received).toEqual(await storedIds(scenario.opened, scenario.category));
  const inOrder = Array.from({ length: EVENTS_PER_STREAM }, (_, i) => i + 1);
  for (const seen of versions.values()) expect(seen).toEqual(inOrder);
}

function report(title: string, scenario: { record: string }, down: { from: number; to: number }, timeline: Timeline) {
  const times = ackTimes(scenario.record);
  const failures = recorded(scenario.record, 'fail').length;
  console.log(
    `${title}: ${times.length} acknowledged publishes (${republished(scenario.record)} published again), ` +
      `${failures} failed attempts, ${acksSince(scenario.record, down.from) - acksSince(scenario.record, down.to)} ` +
      `acknowledged while the node was down (${down.to - down.from} ms), longest gap between acknowledged publishes ` +
      `${longestGap(times)} ms; phases: ${timeline}`,
  );
}

// Each wait has a deadline of its own, together under the test's: a slow phase fails by its name,
// with the nodes' logs and the time every phase before it took.
const TEST_TIMEOUT_MS = 1_000_000;

describe('the outbox relay against a 3-node JetStream cluster', () => {
  it(
    'publishes 20,000 events exactly once, in order, while the stream leader node is killed and restarted',
    async () => {
      const timeline = new Timeline();
      await timeline.run(async () => {
        const scenario = await prepare('node');
        writeFileSync(scenario.record, '');
        timeline.mark('events written, stream placed');
        await startRelay(scenario.file, scenario.record, 'relay-1');
        timeline.mark('relay started');

        await waitForAcks(scenario.record, 5_000);
        timeline.mark('5,000 acknowledged');
        await cluster.kill(scenario.leader);
        const killedAt = Date.now();
        // The relay carries on without the dead node: thousands delivered before it comes back.
        await waitForAcks(scenario.record, 2_000, killedAt);
        timeline.mark(`2,000 acknowledged without ${scenario.leader}`);
        const restartedAt = Date.now();
        expect(acksSince(scenario.record, killedAt)).toBeGreaterThanOrEqual(2_000);
        cluster.restart(scenario.leader);

        await waitForEmptyOutbox(scenario);
        timeline.mark('outbox empty');
        await expectEveryEventOnceInOrder(scenario);
        timeline.mark('stream read and checked');
        report(`node ${scenario.leader} killed`, scenario, { from: killedAt, to: restartedAt }, timeline);
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'stays exactly once and in order when the relay process is killed during the node failure',
    async () => {
      const timeline = new Timeline();
      await timeline.run(async () => {
        const scenario = await prepare('relay');
        writeFileSync(scenario.record, '');
        timeline.mark('events written, stream placed');
        const first = await startRelay(scenario.file, scenario.record, 'relay-1');
        timeline.mark('relay-1 started');

        await waitForAcks(scenario.record, 5_000);
        timeline.mark('5,000 acknowledged');
        await cluster.kill(scenario.leader);
        const killedAt = Date.now();
        await waitForAcks(scenario.record, 1_000, killedAt);
        timeline.mark(`1,000 acknowledged without ${scenario.leader}`);
        // Killed mid-batch: its last rows are in the stream but still in the outbox, under its lease.
        first.send('stall');
        await waitFor(
          'the relay to stall',
          async () => (recorded(scenario.record, 'stalled').length > 0 ? true : undefined),
          30_000,
          cluster,
        );
        await killProcess(first);
        const replacedAt = Date.now();
        timeline.mark('relay-1 stalled and killed');
        await startRelay(scenario.file, scenario.record, 'relay-2');
        await waitForAcks(scenario.record, 1_000, replacedAt);
        timeline.mark('relay-2 started, 1,000 acknowledged');
        const restartedAt = Date.now();
        expect(acksSince(scenario.record, replacedAt)).toBeGreaterThanOrEqual(1_000);
        cluster.restart(scenario.leader);

        await waitForEmptyOutbox(scenario);
        timeline.mark('outbox empty');
        // The new relay did publish some events a second time; the stream kept them once.
        expect(republished(scenario.record)).toBeGreaterThan(0);
        await expectEveryEventOnceInOrder(scenario);
        timeline.mark('stream read and checked');
        report(`node ${scenario.leader} and relay-1 killed`, scenario, { from: killedAt, to: restartedAt }, timeline);
      });
    },
    TEST_TIMEOUT_MS,
  );
});
