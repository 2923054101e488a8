import type { AnyEventDefinition } from '../events/defineEvent.js';
import type { EventStore } from '../store/eventStore.js';
import type { Snapshot, SnapshotPersonalFields } from '../store/options.js';
import type { RecordedEventOf } from '../store/recordedEvent.js';
import type { StreamName } from '../streams/index.js';

// biome-ignore lint/suspicious/noExplicitAny: a policy that names no state's personal fields fits any state.
export interface SnapshotPolicy<TState = any> {
  /** Take a snapshot each time the stream crosses a multiple of `every` events. */
  readonly every: number;
  /** The shape of the snapshot state; snapshots stored at another schema version are ignored. */
  readonly schemaVersion?: number;
  /** The state's personal fields and their subject: stored encrypted, masked once the subject is forgotten. */
  readonly personal?: SnapshotPersonalFields<TState>;
}

/**
 * The newest usable snapshot (by version, never by time) and the events after it. A snapshot at
 * another schema version than the policy's is ignored: the state is rebuilt from the events.
 */
export async function loadFromSnapshot<TEvents extends AnyEventDefinition, TState, THandle>(
  store: EventStore<TEvents, THandle>,
  stream: StreamName,
  policy: SnapshotPolicy<TState> | undefined,
): Promise<{ snapshot?: Snapshot<TState>; events: RecordedEventOf<TEvents>[] }> {
  const stored = policy
    ? await store.loadSnapshot<TState>(stream, policy.personal ? { personal: policy.personal } : {})
    : undefined;
  const snapshot = stored && stored.schemaVersion === (policy?.schemaVersion ?? 1) ? stored : undefined;
  const events = await store.readStream(stream, snapshot ? { fromVersion: snapshot.version + 1 } : {});
  return snapshot ? { snapshot, events } : { events };
}

export function crossesSnapshotPoint(policy: SnapshotPolicy | undefined, from: number, to: number): boolean {
  if (!policy || policy.every < 1) return false;
  return Math.floor(to / policy.every) > Math.floor(from / policy.every);
}
