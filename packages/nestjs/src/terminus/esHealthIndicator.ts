import type { ConsumerStatus, OldestTransaction, OutboxCounts } from '@es/core';
import { Inject, Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { EsWorkers } from '../workers.js';

/** When `EsHealthIndicator` reports the store down. */
export interface EsHealthThresholds {
  /** Most events a consumer may have left to handle (default 1,000). */
  readonly maxLag?: number;
  /** Longest a transaction may hold every consumer back, in ms (PostgreSQL; default 60,000). */
  readonly maxHeldBackMs?: number;
  /** Most dead outbox rows, waiting for an operator (default 0). */
  readonly maxDeadOutboxRows?: number;
}

const DEFAULT_THRESHOLDS: Required<EsHealthThresholds> = { maxLag: 1_000, maxHeldBackMs: 60_000, maxDeadOutboxRows: 0 };

/** What the indicator reports (JSON: log positions and transaction ids as strings). */
export interface EsHealthDetails {
  readonly [key: string]: unknown;
  readonly consumers: Record<string, { lag: number; parked: number; halted: boolean }>;
  /** The oldest open writing transaction (PostgreSQL), which holds every consumer back. */
  readonly heldBackBy: { pid: number; transactionId: string; ageMs: number; state: string } | null;
  readonly outbox: OutboxCounts | null;
  /** Why the store is down; empty when it is up. */
  readonly problems: string[];
}

/**
 * A health indicator for `@nestjs/terminus` over the consumers and outbox relays `EsModule` runs:
 * down when a consumer lags by more than `maxLag` events or stands halted at an event, when a
 * transaction has held the log back longer than `maxHeldBackMs`, or when more than
 * `maxDeadOutboxRows` outbox rows are dead. Add it to the providers of the module of your health
 * controller (with `TerminusModule`): `health.check([() => es.isHealthy('eventStore')])`.
 */
@Injectable()
export class EsHealthIndicator {
  constructor(
    @Inject(HealthIndicatorService) private readonly health: HealthIndicatorService,
    @Inject(EsWorkers) private readonly workers: EsWorkers,
  ) {}

  async isHealthy<const Key extends string>(
    key: Key,
    thresholds: EsHealthThresholds = {},
  ): Promise<HealthIndicatorResult<Key, 'up' | 'down', EsHealthDetails>> {
    const limits = { ...DEFAULT_THRESHOLDS, ...thresholds };
    const statuses = await Promise.all(this.workers.consumers.map((consumer) => consumer.status()));
    const counts = await Promise.all(this.workers.relays.map((relay) => relay.status()));
    const problems: string[] = [];

    const consumers: EsHealthDetails['consumers'] = {};
    for (const status of statuses) {
      const halted = status.parked.some((parked) => parked.halted);
      consumers[status.name] = { lag: status.lag, parked: status.parked.length, halted };
      if (halted) problems.push(`consumer ${status.name} is halted at an event it cannot handle`);
      if (status.lag > limits.maxLag) {
        problems.push(`consumer ${status.name} lags by ${status.lag} events (limit ${limits.maxLag})`);
      }
    }

    const oldest = oldestOpenTransaction(statuses);
    if (oldest && oldest.ageMs > limits.maxHeldBackMs) {
      problems.push(
        `transaction ${oldest.transactionId} (pid ${oldest.pid}) has held the log back for ${oldest.ageMs} ms (limit ${limits.maxHeldBackMs})`,
      );
    }

    const outbox = counts.length === 0 ? null : sumCounts(counts);
    if (outbox && outbox.dead > limits.maxDeadOutboxRows) {
      problems.push(`${outbox.dead} dead outbox rows (limit ${limits.maxDeadOutboxRows})`);
    }

    const details: EsHealthDetails = {
      consumers,
      heldBackBy: oldest
        ? { pid: oldest.pid, transactionId: String(oldest.transactionId), ageMs: oldest.ageMs, state: oldest.state }
        : null,
      outbox,
      problems,
    };
    const indicator = this.health.check(key);
    return problems.length === 0 ? indicator.up(details) : indicator.down(details);
  }
}

/** Every consumer sees the same server-wide horizon: its oldest open transaction, if any. */
function oldestOpenTransaction(statuses: readonly ConsumerStatus[]): OldestTransaction | undefined {
  return statuses.map((status) => status.oldestOpenTransaction).find((oldest) => oldest !== undefined);
}

function sumCounts(counts: readonly OutboxCounts[]): OutboxCounts {
  return counts.reduce((sum, count) => ({
    pending: sum.pending + count.pending,
    dead: sum.dead + count.dead,
    oldestPendingAt:
      sum.oldestPendingAt && (!count.oldestPendingAt || sum.oldestPendingAt <= count.oldestPendingAt)
        ? sum.oldestPendingAt
        : count.oldestPendingAt,
  }));
}
