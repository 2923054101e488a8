// What @es/opentelemetry adds to an append on its own, apart from any database: single-event
// appends on the in-memory backend, by a store without telemetry, with `openTelemetry()` and no
// SDK (the API's no-ops), and with the SDK recording (in-memory exporters, async-hooks context).
// Each round appends to a fresh backend (the in-memory one copies its state per transaction, so
// it slows down as it grows); rounds rotate the three, so a slow moment of a shared machine falls
// on each, and a row reports the median of its rounds.
// `node src/telemetryOverhead.ts [appends per round] [rounds]`.
import { createEventStore, createMemoryBackend, type Telemetry } from '@es/core';
import { openTelemetry } from '@es/opentelemetry';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { Deposited, deposits } from './fixtures.ts';
import { inMemorySdk } from './telemetry.ts';

const appends = Number(process.argv[2] ?? 500);
const rounds = Number(process.argv[3] ?? 41);
const sdk = inMemorySdk();
const contextManager = new AsyncLocalStorageContextManager();

interface Variant {
  readonly name: string;
  readonly telemetry: Telemetry | undefined;
  /** The SDK's context manager is registered for the SDK variant only, as its Node setup does. */
  readonly withContextManager: boolean;
  readonly microseconds: number[];
}

const variant = (name: string, withContextManager: boolean, telemetry?: Telemetry): Variant => ({
  name,
  telemetry,
  withContextManager,
  microseconds: [],
});
const variants = [
  variant('telemetry off', false),
  variant('openTelemetry(), API only', false, openTelemetry()),
  variant('openTelemetry(), SDK recording', true, openTelemetry(sdk)),
];

const [event] = deposits(1);
async function run(target: Variant, round: number): Promise<void> {
  if (target.withContextManager) context.setGlobalContextManager(contextManager.enable());
  try {
    const { telemetry } = target;
    const store = createEventStore({
      backend: createMemoryBackend(),
      events: [Deposited],
      ...(telemetry && { telemetry }),
    });
    const started = process.hrtime.bigint();
    // Streams of 100 events, as the in-memory backend's appends slow down on a long stream.
    for (let index = 0; index < appends; index++) {
      const stream = { category: 'bench', id: `round-${round}-${Math.floor(index / 100)}` };
      await store.append(stream, Deposited.create(event!), { expectedVersion: index % 100 });
    }
    target.microseconds.push(Number(process.hrtime.bigint() - started) / 1e3 / appends);
  } finally {
    if (target.withContextManager) context.disable();
    sdk.reset();
  }
}

for (const target of variants) await run(target, -1); // warm-up, unrecorded
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < variants.length; i++) await run(variants[(round + i) % variants.length]!, round);
}
await sdk.shutdown();

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const off = median(variants[0]!.microseconds);
console.log(`${appends} appends per round, median of ${rounds} rounds, memory backend`);
console.log('| store | µs per append | rounds: min-max | added |');
console.log('| --- | ---: | ---: | ---: |');
for (const { name, microseconds } of variants) {
  const value = median(microseconds);
  const range = `${Math.min(...microseconds).toFixed(1)}-${Math.max(...microseconds).toFixed(1)}`;
  console.log(`| ${name} | ${value.toFixed(1)} | ${range} | ${(value - off).toFixed(1)} |`);
}
