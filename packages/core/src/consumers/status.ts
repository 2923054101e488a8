import type { BackendSession, ConsumerKey, LogFilter, LogPosition } from '../backend/index.js';
import { LOG_START } from '../backend/index.js';
import type { AnyEventDefinition } from '../events/defineEvent.js';
import type { EventStore } from '../store/eventStore.js';
import type { ConsumerStatus } from './options.js';
import { summarizeParked } from './parked.js';

/** A consumer's status, read in one go outside any transaction: `Consumer.status()`. */
export function readConsumerStatus<TEvents extends AnyEventDefinition, THandle>(
  store: EventStore<TEvents, THandle>,
  key: ConsumerKey,
  filter: LogFilter,
): Promise<ConsumerStatus> {
  return store.readOnly(async (session) => {
    const checkpoint = await session.readCheckpoint(key);
    const stored = checkpoint && !checkpoint.isNew ? checkpoint.position : undefined;
    return {
      name: key.name,
      checkpoint: stored,
      ...(await readLogStatus(session, stored ?? LOG_START, filter)),
      leaseOwner: checkpoint?.leaseOwner ?? null,
      leaseExpiresAt: checkpoint?.leaseExpiresAt ?? null,
      parked: (await session.listParked(key, 100)).map(summarizeParked),
    };
  });
}

/** What every consumer's status reads of the log past its checkpoint `after` (a partitioned one's lowest). */
export async function readLogStatus(
  session: BackendSession<unknown>,
  after: LogPosition,
  filter: LogFilter,
): Promise<Pick<ConsumerStatus, 'head' | 'lag' | 'oldestUnhandledAt' | 'oldestOpenTransaction'>> {
  return {
    head: await session.logHead(),
    lag: await session.countLog(after, filter),
    oldestUnhandledAt: (await session.readLog({ after, limit: 1, filter })).events[0]?.recordedAt,
    oldestOpenTransaction: await session.oldestOpenTransaction(),
  };
}
