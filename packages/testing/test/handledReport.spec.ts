import { partitionOf } from '@es/core';
import { describe, expect, it } from '@jest/globals';
import {
  cleanReport,
  type HandledPair,
  handledReport,
  PARTITIONED_CATEGORY,
} from '../src/conformance/partitionedProjection.js';

// The partition suite's verdict is this report: it must see every way a handled sequence can be wrong.
const PARTITIONS = 4;
const tenant = 'default';
const partition = (stream: string) => partitionOf({ tenant, category: PARTITIONED_CATEGORY, id: stream }, PARTITIONS);

/** Two versions of each of 12 streams, each in its own partition's sequence, in order. */
function wellHandled() {
  const expected: HandledPair[] = [];
  const sequences: HandledPair[][] = Array.from({ length: PARTITIONS }, () => []);
  for (const version of [1, 2]) {
    for (let n = 0; n < 12; n++) {
      const pair = { stream: `s${n}`, version };
      expected.push(pair);
      sequences[partition(pair.stream)]!.push(pair);
    }
  }
  return { expected, sequences };
}

describe('handledReport (the partition suite verdict)', () => {
  it('finds nothing wrong with every event once, in its partition, in version order', () => {
    const { expected, sequences } = wellHandled();
    expect(handledReport(sequences, expected, tenant)).toEqual(cleanReport(24));
  });

  it('reports an event handled twice, one never handled, and versions out of order', () => {
    const { expected, sequences } = wellHandled();
    const p = partition('s0');
    const sequence = sequences[p]!;
    const [first, second] = [sequence.indexOf(expected[0]!), sequence.indexOf(expected[12]!)];
    [sequence[first], sequence[second]] = [sequence[second]!, sequence[first]!];
    sequences[partition('s1')]!.push({ stream: 's1', version: 2 });
    const report = handledReport(sequences, [...expected, { stream: 's1', version: 3 }], tenant);
    expect(report.duplicated).toEqual(['s1@2']);
    expect(report.missing).toEqual(['s1@3']);
    expect(report.outOfOrder).toEqual(['s0@2 after version 0', 's0@1 after version 2', 's1@2 after version 2']);
  });

  it('reports an event in another partition than its stream', () => {
    const { expected, sequences } = wellHandled();
    const home = partition('s2');
    const away = (home + 1) % PARTITIONS;
    sequences[home] = sequences[home]!.filter((pair) => pair.stream !== 's2');
    sequences[away]!.push({ stream: 's2', version: 1 }, { stream: 's2', version: 2 });
    expect(handledReport(sequences, expected, tenant).misplaced).toEqual([`s2@1 in ${away}`, `s2@2 in ${away}`]);
  });

  it('reports an event nobody appended', () => {
    const { expected, sequences } = wellHandled();
    sequences[partition('other')]!.push({ stream: 'other', version: 1 });
    expect(handledReport(sequences, expected, tenant).unexpected).toEqual(['other@1']);
  });
});
