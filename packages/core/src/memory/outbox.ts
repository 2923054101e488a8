import type { ListOutboxQuery, OutboxSession } from '../backend/index.js';
import { assertWritable, eventAt, type MemoryScope, type OutboxRow } from './state.js';

/** An outbox row in a relay's scope: its tenant's, or any when the relay works on every tenant. */
const inScope = (row: { tenant: string }, tenant: string | undefined) => tenant === undefined || row.tenant === tenant;

/** The outbox rows appends wrote, claimed by relays in stream order. */
export function memoryOutbox(scope: MemoryScope): OutboxSession {
  const listRows = ({ status, after, limit, tenant }: ListOutboxQuery) => {
    const { state } = scope;
    return state.outbox
      .filter((row) => row.status === status && inScope(row, tenant) && (after === undefined || row.id > after))
      .slice(0, limit)
      .map((row) => ({
        id: row.id,
        status: row.status,
        attempts: row.attempts,
        lastError: row.lastError,
        nextAttemptAt: row.status === 'pending' ? new Date(row.nextAttemptAt.getTime()) : null,
        event: eventAt(state, row.position),
      }));
  };
  return {
    async claimOutbox(owner, now, leaseUntil, limit, tenant) {
      assertWritable(scope);
      const claimedStreams = new Set<string>();
      const seenStreams = new Set<string>();
      const claimed: OutboxRow[] = [];
      for (const row of scope.state.outbox) {
        if (claimed.length >= limit) break;
        if (!inScope(row, tenant)) continue;
        const first = !seenStreams.has(row.streamId);
        seenStreams.add(row.streamId);
        const due = row.status === 'pending' && (row.attempts === 0 || row.nextAttemptAt <= now);
        if ((first && due) || (claimedStreams.has(row.streamId) && row.status === 'pending')) {
          claimedStreams.add(row.streamId);
          row.claimedBy = owner;
          row.nextAttemptAt = leaseUntil;
          row.attempts += 1;
          claimed.push(row);
        }
      }
      return claimed.map((row) => ({ id: row.id, attempts: row.attempts, event: eventAt(scope.state, row.position) }));
    },
    async completeOutbox(owner, ids) {
      assertWritable(scope);
      const done = new Set(ids);
      scope.state.outbox = scope.state.outbox.filter((row) => !(done.has(row.id) && row.claimedBy === owner));
    },
    async failOutbox(owner, id, error, retryAt) {
      assertWritable(scope);
      const row = scope.state.outbox.find((candidate) => candidate.id === id && candidate.claimedBy === owner);
      if (!row) return;
      row.claimedBy = null;
      row.lastError = error;
      if (retryAt) row.nextAttemptAt = retryAt;
      else row.status = 'dead';
    },
    async releaseOutbox(owner, ids, now) {
      assertWritable(scope);
      const released = new Set(ids);
      for (const row of scope.state.outbox) {
        if (released.has(row.id) && row.claimedBy === owner) {
          row.claimedBy = null;
          row.nextAttemptAt = now;
          row.attempts -= 1;
        }
      }
    },
    async listDeadOutbox(limit, tenant) {
      return listRows({ status: 'dead', limit, tenant });
    },
    listOutbox: async (query) => listRows(query),
    async reviveDeadOutbox(ids, now, tenant) {
      assertWritable(scope);
      const wanted = ids && new Set(ids);
      let revived = 0;
      for (const row of scope.state.outbox) {
        if (row.status !== 'dead' || !inScope(row, tenant) || (wanted && !wanted.has(row.id))) continue;
        Object.assign(row, { status: 'pending', attempts: 0, nextAttemptAt: now, claimedBy: null });
        revived++;
      }
      return revived;
    },
    async purgeDeadOutbox(ids, tenant) {
      assertWritable(scope);
      const wanted = ids && new Set(ids);
      const before = scope.state.outbox.length;
      scope.state.outbox = scope.state.outbox.filter(
        (row) => !(row.status === 'dead' && inScope(row, tenant) && (!wanted || wanted.has(row.id))),
      );
      return before - scope.state.outbox.length;
    },
    async countOutbox(tenant) {
      const rows = scope.state.outbox.filter((row) => inScope(row, tenant));
      const pending = rows.filter((row) => row.status === 'pending');
      const oldest = pending.reduce<Date | null>(
        (min, row) => (min && min <= row.createdAt ? min : row.createdAt),
        null,
      );
      return {
        pending: pending.length,
        dead: rows.filter((row) => row.status === 'dead').length,
        oldestPendingAt: oldest && new Date(oldest.getTime()),
      };
    },
  };
}
