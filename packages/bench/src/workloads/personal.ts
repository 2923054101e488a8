import { contacts } from '../fixtures.ts';
import type { BenchSystem, ContactMode } from '../system.ts';
import { defineWorkload, type Operation, timeAfterWarmUp, type Workload } from './workload.ts';

const log = (message: string) => process.stderr.write(`${message}\n`);

/** `measured`, logging the data keys the system looked up over its calls (the warm-up's left out). */
function countingLookups(
  system: BenchSystem,
  workload: string,
  keyLookups: () => number,
  measured: Operation,
  count: number,
): Operation {
  let before: number | undefined;
  return async (index, worker) => {
    before ??= keyLookups();
    const events = await measured(index, worker);
    if (index === count - 1) {
      log(`${workload} ${system.name}: ${keyLookups() - before} data key lookups in ${count} operations`);
    }
    return events;
  };
}

/**
 * Personal data (issue #24): one contact per append, one writer, one growing stream, as
 * append-single does, each in `mode`; every contact is of one customer (a hot subject).
 */
function contactAppends(name: string, description: string, mode: ContactMode): Workload {
  return defineWorkload({
    name,
    description,
    uses: (system) => system.contacts,
    async run(store, system, sizes) {
      const event = contacts(1);
      const appendTo = (id: string) => async (index: number) => {
        await store.append(mode, id, event, index);
        return 1;
      };
      const count = sizes.appendSingle;
      const measured = countingLookups(system, name, store.keyLookups, appendTo('contacts'), count);
      return timeAfterWarmUp(sizes, count, 1, appendTo('warm'), measured);
    },
  });
}

/** Personal data (issue #24): reads of a 1,000-contact stream of one customer, as read-stream does, in `mode`. */
function contactReads(name: string, description: string, mode: ContactMode): Workload {
  return defineWorkload({
    name,
    description,
    uses: (system) => system.contacts,
    async run(store, system, sizes) {
      const length = sizes.streamLength;
      for (let version = 0; version < length; version += sizes.batchSize) {
        await store.append(mode, 'read', contacts(Math.min(sizes.batchSize, length - version), version), version);
      }
      await system.analyze();
      const read = async () => {
        const count = await store.readStream(mode, 'read');
        if (count !== length) throw new Error(`${system.name} read ${count} of ${length} contacts`);
        return count;
      };
      const count = sizes.streamReads;
      return timeAfterWarmUp(sizes, count, 1, read, countingLookups(system, name, store.keyLookups, read, count));
    },
  });
}

export const appendPersonal = contactAppends(
  'append-personal',
  'single-event appends of a contact with two personal fields (encrypted)',
  'personal',
);
export const appendClear = contactAppends(
  'append-clear',
  'single-event appends of the same contact, no field personal',
  'clear',
);
export const readPersonal = contactReads(
  'read-personal',
  'read a 1,000-contact stream, two personal fields each (decrypted)',
  'personal',
);
export const readPersonalUncached = contactReads(
  'read-personal-uncached',
  'read-personal with the key cache off (cacheTtlMs: 0)',
  'personal-uncached',
);
export const readClear = contactReads('read-clear', 'read a 1,000-contact stream, no field personal', 'clear');
