// What personal data (issue #24) adds on its own, apart from any database: on the in-memory
// backend, single-event appends of a contact whose two fields are personal (each encrypted with
// AES-256-GCM under the customer's data key), and reads of a 100-contact stream (each field
// decrypted), against the same event with no field personal; the reads once more with the key
// cache off (`cacheTtlMs: 0`: every event's key looked up and unwrapped). All contacts are of one
// customer, a hot subject. Each round uses a fresh backend; rounds rotate the variants, and a row
// reports the median of its rounds with the data keys looked up per round.
// `node src/personalOverhead.ts [appends per round] [rounds]`.
import { randomBytes } from 'node:crypto';
import { type AnyEventDefinition, createEventStore, createMemoryBackend, type EventStoreBackend } from '@es/core';
import { ContactRecorded, ContactRecordedInClear, contacts } from './fixtures.ts';

const appends = Number(process.argv[2] ?? 500);
const rounds = Number(process.argv[3] ?? 21);
const streamLength = 100;
const masterKeys = [{ id: 'bench', key: new Uint8Array(randomBytes(32)) }];

interface Variant {
  readonly name: string;
  readonly definition: typeof ContactRecorded | typeof ContactRecordedInClear;
  readonly cacheTtlMs?: number;
  readonly appendMicros: number[];
  readonly readMicros: number[];
  readonly lookups: number[];
}

const variant = (name: string, definition: Variant['definition'], cacheTtlMs?: number): Variant => ({
  name,
  definition,
  ...(cacheTtlMs !== undefined && { cacheTtlMs }),
  appendMicros: [],
  readMicros: [],
  lookups: [],
});
const variants = [
  variant('no field personal', ContactRecordedInClear),
  variant('two personal fields', ContactRecorded),
  variant('two personal fields, key cache off', ContactRecorded, 0),
];

/** The memory backend counting the data keys its sessions look up (found or made). */
function counted(backend: EventStoreBackend<unknown>) {
  let lookups = 0;
  const session = <S extends object>(inner: S): S =>
    new Proxy(inner, {
      get(target, key) {
        if (key === 'findDataKey' || key === 'currentDataKey') lookups++;
        return Reflect.get(target, key);
      },
    });
  return {
    backend: {
      ...backend,
      transaction: (work, options) => backend.transaction((inner) => work(session(inner)), options),
      read: (work, options) => backend.read((inner) => work(session(inner)), options),
    } satisfies EventStoreBackend<unknown>,
    lookups: () => lookups,
  };
}

async function run(target: Variant, round: number): Promise<void> {
  const { backend, lookups } = counted(createMemoryBackend() as EventStoreBackend<unknown>);
  const personal = target.definition === ContactRecorded;
  const store = createEventStore<AnyEventDefinition, unknown>({
    backend,
    events: [target.definition],
    ...(personal && {
      personalData: { masterKeys, ...(target.cacheTtlMs !== undefined && { cacheTtlMs: target.cacheTtlMs }) },
    }),
  });
  const [contact] = contacts(1);
  const started = process.hrtime.bigint();
  // Streams of 100 events, as the in-memory backend's appends slow down on a long stream.
  for (let index = 0; index < appends; index++) {
    const stream = { category: 'bench', id: `round-${round}-${Math.floor(index / streamLength)}` };
    await store.append(stream, target.definition.create(contact!), { expectedVersion: index % streamLength });
  }
  const appended = process.hrtime.bigint();
  const streams = Math.ceil(appends / streamLength);
  for (let n = 0; n < streams; n++) {
    const read = await store.readStream({ category: 'bench', id: `round-${round}-${n}` });
    if (personal && (read[0]?.data as { email?: unknown }).email !== contact!.email) throw new Error('not decrypted');
  }
  const done = process.hrtime.bigint();
  target.appendMicros.push(Number(appended - started) / 1e3 / appends);
  target.readMicros.push(Number(done - appended) / 1e3 / appends);
  target.lookups.push(lookups());
}

for (const target of variants) await run(target, -1); // warm-up, unrecorded
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < variants.length; i++) await run(variants[(round + i) % variants.length]!, round);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const range = (values: number[]) => `${Math.min(...values).toFixed(1)}-${Math.max(...values).toFixed(1)}`;
console.log(
  `${appends} appends, then their ${appends / streamLength} streams read, per round; median of ${rounds} rounds, memory backend`,
);
console.log(
  '| store | µs per append | rounds: min-max | µs per event read | rounds: min-max | data key lookups per round |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const { name, appendMicros, readMicros, lookups } of variants) {
  console.log(
    `| ${name} | ${median(appendMicros).toFixed(1)} | ${range(appendMicros)} | ${median(readMicros).toFixed(1)} | ${range(readMicros)} | ${median(lookups)} |`,
  );
}
