import type { CheckpointSession, ParkedSession } from './consumers.js';
import type { KeySession } from './keys.js';
import type { LogSession } from './log.js';
import type { OutboxSession } from './outbox.js';
import type { SnapshotSession } from './snapshots.js';
import type { StreamSession } from './streams.js';
import type { TagSession } from './tags.js';

/**
 * Everything a backend does, inside one transaction (or one autocommit read): each capability is
 * its own interface, so a backend implements them part by part and a new feature adds a part
 * beside the others.
 */
export interface BackendSession<THandle = unknown>
  extends StreamSession,
    LogSession,
    SnapshotSession,
    CheckpointSession,
    ParkedSession,
    OutboxSession,
    TagSession,
    KeySession {
  /** The transaction this session runs in, as the host's ORM knows it (undefined for autocommit
   * reads): projections write through it so their rows commit with the checkpoint or the append. */
  readonly handle: THandle | undefined;
  /** The database's clock (the memory backend's `clock`): every instance's leases are judged by it. */
  now(): Promise<Date>;
}
