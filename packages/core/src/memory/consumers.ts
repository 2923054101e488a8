import {
  type CheckpointSession,
  type ConsumerCheckpoint,
  type ConsumerKey,
  compareLogPositions,
  LOG_START,
  type ParkedSession,
} from '../backend/index.js';
import { ascending } from '../util/order.js';
import { assertWritable, eventAt, type MemoryScope, type StoredCheckpoint } from './state.js';

const checkpointKey = ({ tenant, name }: ConsumerKey) => `${tenant}/${name}`;

const toCheckpoint = (stored: StoredCheckpoint): ConsumerCheckpoint => ({
  position: stored.position,
  leaseOwner: stored.leaseOwner,
  leaseExpiresAt: stored.leaseExpiresAt,
  isNew: !stored.stored,
});

/** Consumers' checkpoints and leases, judged by the backend's one clock. */
export function memoryCheckpoints(scope: MemoryScope): CheckpointSession {
  const { clock } = scope;
  return {
    async claimConsumer(consumer, owner, leaseMs) {
      assertWritable(scope);
      const key = checkpointKey(consumer);
      const stored = scope.state.checkpoints.get(key) ?? {
        position: LOG_START,
        leaseOwner: null,
        leaseExpiresAt: null,
        stored: false,
      };
      scope.state.checkpoints.set(key, stored);
      const now = clock();
      if (stored.leaseOwner && stored.leaseOwner !== owner && stored.leaseExpiresAt && stored.leaseExpiresAt > now) {
        return undefined;
      }
      stored.leaseOwner = owner;
      stored.leaseExpiresAt = new Date(now.getTime() + leaseMs);
      return toCheckpoint(stored);
    },
    async storeCheckpoint(consumer, owner, from, to) {
      assertWritable(scope);
      const stored = scope.state.checkpoints.get(checkpointKey(consumer));
      if (stored?.leaseOwner !== owner || compareLogPositions(stored.position, from) !== 0) return false;
      stored.position = to;
      stored.stored = true;
      return true;
    },
    async releaseConsumer(consumer, owner) {
      assertWritable(scope);
      const stored = scope.state.checkpoints.get(checkpointKey(consumer));
      if (stored?.leaseOwner === owner) {
        stored.leaseOwner = null;
        stored.leaseExpiresAt = null;
      }
    },
    async readCheckpoint(consumer) {
      const stored = scope.state.checkpoints.get(checkpointKey(consumer));
      return stored && toCheckpoint({ ...stored });
    },
    async listConsumers(tenant, prefix) {
      const now = clock();
      const keyPrefix = checkpointKey({ tenant, name: prefix });
      return [...scope.state.checkpoints]
        .filter(([key]) => key.startsWith(keyPrefix))
        .map(([key, stored]) => ({
          ...toCheckpoint({ ...stored }),
          name: key.slice(tenant.length + 1),
          leaseLive: stored.leaseOwner !== null && stored.leaseExpiresAt !== null && stored.leaseExpiresAt > now,
        }))
        .sort((a, b) => ascending(a.name, b.name));
    },
    async deleteConsumer(consumer, owner) {
      assertWritable(scope);
      const key = checkpointKey(consumer);
      const stored = scope.state.checkpoints.get(key);
      if (!stored) return false;
      const deletable =
        owner === undefined
          ? stored.leaseExpiresAt === null || stored.leaseExpiresAt <= clock()
          : stored.leaseOwner === owner;
      return deletable && scope.state.checkpoints.delete(key);
    },
  };
}

/** The events consumers set aside, kept per consumer in log order. */
export function memoryParked(scope: MemoryScope): ParkedSession {
  const { clock } = scope;
  return {
    async parkEvent(consumer, parked) {
      assertWritable(scope);
      const key = checkpointKey(consumer);
      const rows = (scope.state.parked.get(key) ?? []).filter((row) => row.position !== parked.position);
      rows.push({ ...parked, parkedAt: clock() });
      rows.sort((a, b) => (a.position < b.position ? -1 : 1));
      scope.state.parked.set(key, rows);
    },
    async listParked(consumer, limit, halted) {
      const { state } = scope;
      return (state.parked.get(checkpointKey(consumer)) ?? [])
        .filter((row) => halted === undefined || row.halted === halted)
        .slice(0, limit)
        .map((row) => ({
          event: eventAt(state, row.position),
          error: row.error,
          attempts: row.attempts,
          parkedAt: row.parkedAt,
          halted: row.halted,
        }));
    },
    async removeParked(consumer, positions) {
      assertWritable(scope);
      const key = checkpointKey(consumer);
      const rows = scope.state.parked.get(key) ?? [];
      const kept = positions ? rows.filter((row) => !positions.includes(row.position)) : [];
      scope.state.parked.set(key, kept);
      return rows.length - kept.length;
    },
  };
}
