import type { ConsumerStatus, OldestTransaction, OutboxCounts } from '@es/core';
import type { LoadedConfig } from '../config.js';
import { formatCount, formatDuration, formatLogPosition, jsonLogPosition, plural } from '../format.js';
import type { CommandContext } from '../run.js';
import { outboxScopes } from './outbox.js';

interface ConsumerReport {
  readonly tenant: string;
  readonly status: ConsumerStatus;
}

/**
 * PostgreSQL: the oldest open transaction and how many committed events wait behind it (at or
 * past the log's horizon, where no reader sees them until it ends); undefined when none wait.
 */
async function heldBack(config: LoadedConfig, consumers: readonly ConsumerReport[]) {
  const status = consumers.find((report) => report.status.oldestOpenTransaction)?.status;
  if (!status?.oldestOpenTransaction) return undefined;
  const waiting = await config.store.backend.read((session) => session.countLog(status.head, {}));
  return waiting > 0 ? { transaction: status.oldestOpenTransaction, waiting } : undefined;
}

const transactionJson = (transaction: OldestTransaction) => ({
  transactionId: String(transaction.transactionId),
  pid: transaction.pid,
  ageMs: transaction.ageMs,
  state: transaction.state,
  query: transaction.query,
});

function consumerJson(report: ConsumerReport, now: number, held: OldestTransaction | undefined) {
  const { status } = report;
  const leaseLive = status.leaseExpiresAt !== null && status.leaseExpiresAt.getTime() > now;
  return {
    name: status.name,
    tenant: report.tenant,
    checkpoint: jsonLogPosition(status.checkpoint),
    head: jsonLogPosition(status.head),
    lag: status.lag,
    oldestUnhandledAt: status.oldestUnhandledAt ?? null,
    lagMs: status.oldestUnhandledAt ? Math.max(0, now - status.oldestUnhandledAt.getTime()) : null,
    holder: leaseLive ? status.leaseOwner : null,
    leaseOwner: status.leaseOwner,
    leaseExpiresAt: status.leaseExpiresAt,
    // A consumer with events to read waits for them behind that transaction.
    heldBackBy: held && status.lag > 0 ? transactionJson(held) : null,
    parked: status.parked.filter((parked) => !parked.halted).length,
    haltedAt: status.parked.find((parked) => parked.halted)?.position.toString() ?? null,
  };
}

function outboxJson(tenant: string | undefined, counts: OutboxCounts, now: number) {
  return {
    tenant: tenant ?? null,
    pending: counts.pending,
    dead: counts.dead,
    oldestPendingAt: counts.oldestPendingAt,
    oldestPendingAgeMs: counts.oldestPendingAt ? now - counts.oldestPendingAt.getTime() : null,
  };
}

/** `es status`: every consumer of the config, then the outbox of each relay (or of the store). */
export async function status({ config, out }: CommandContext): Promise<void> {
  const consumers: ConsumerReport[] = [];
  for (const { consumer } of config.consumers) {
    consumers.push({ tenant: consumer.key.tenant, status: await consumer.status() });
  }
  const outbox = [];
  for (const { tenant, relay } of outboxScopes(config)) outbox.push({ tenant, counts: await relay.status() });
  const held = await heldBack(config, consumers);
  const now = Date.now();
  const json = {
    consumers: consumers.map((report) => consumerJson(report, now, held?.transaction)),
    heldBack: held ? { ...transactionJson(held.transaction), committedEventsBehind: held.waiting } : null,
    outbox: outbox.map(({ tenant, counts }) => outboxJson(tenant, counts, now)),
  };
  if (out.json) return out.document(json);

  const { colors } = out;
  if (consumers.length === 0) out.line(out.dim(`no consumers in ${config.path}`));
  else {
    out.table(
      ['CONSUMER', 'TENANT', 'CHECKPOINT', 'HEAD', 'LAG', 'BEHIND', 'HOLDER', 'LEASE', 'PARKED', 'HELD BACK BY'],
      json.consumers.map((consumer, index) => {
        const { status } = consumers[index] as ConsumerReport;
        const expires = consumer.leaseExpiresAt?.getTime();
        const lease = expires === undefined ? '-' : expires > now ? `${formatDuration(expires - now)} left` : 'expired';
        const held = consumer.heldBackBy;
        return [
          consumer.name,
          consumer.tenant,
          formatLogPosition(status.checkpoint),
          formatLogPosition(status.head),
          consumer.lag === 0 ? colors.green('0') : colors.yellow(formatCount(consumer.lag)),
          consumer.lagMs === null ? '-' : formatDuration(consumer.lagMs),
          consumer.holder ?? '-',
          lease,
          consumer.haltedAt
            ? colors.red(`halted at ${consumer.haltedAt}`)
            : consumer.parked > 0
              ? colors.yellow(String(consumer.parked))
              : '0',
          held ? colors.yellow(`tx ${held.transactionId} (pid ${held.pid}, ${formatDuration(held.ageMs)})`) : '-',
        ];
      }),
    );
    if (held) {
      const { transaction, waiting } = held;
      out.line();
      out.line(
        `${colors.yellow('log held back')}: ${plural(waiting, 'committed event')} ${waiting === 1 ? 'waits' : 'wait'} behind transaction ${transaction.transactionId} (pid ${transaction.pid}, ${transaction.state}, open ${formatDuration(transaction.ageMs)}): ${transaction.query.replace(/\s+/g, ' ')}`,
      );
    }
  }
  out.line();
  out.table(
    ['OUTBOX', 'PENDING', 'DEAD', 'OLDEST PENDING'],
    json.outbox.map((row) => [
      row.tenant ?? 'all tenants',
      formatCount(row.pending),
      row.dead > 0 ? colors.red(formatCount(row.dead)) : '0',
      row.oldestPendingAgeMs === null ? '-' : formatDuration(row.oldestPendingAgeMs),
    ]),
  );
}
