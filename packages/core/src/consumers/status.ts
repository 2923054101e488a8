import type { ConsumerKey, LogFilter } from '../backend/index.js';
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
    const head = await session.logHead();
    const after = stored ?? LOG_START;
    return {
      name: key.name,
      checkpoint: stored,
      head,
      lag: await session.countLog(after, filter),
      oldestUnhandledAt: (await session.readLog({ after, limit: 1, filter })).events[0]?.recordedAt,
      leaseOwner: checkpoint?.leaseOwner ?? null,
      leaseExpiresAt: checkpoint?.leaseExpiresAt ?? null,
      oldestOpenTransaction: await session.oldestOpenTransaction(),
      parked: (await session.listParked(key, 100)).map(summarizeParked),
    };
  });
}
