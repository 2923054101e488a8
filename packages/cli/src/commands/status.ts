import type { OldestTransaction, OutboxCounts } from '@es/core';
import { type ConsumerReport, consumerReports, outboxScopes } from '@es/ui/operator';
import { formatCount, formatDuration, formatLogPosition, jsonLogPosition, plural } from '../format.js';
import type { CommandContext } from '../run.js';

const transactionJson = (transaction: OldestTransaction) => ({
  transactionId: String(transaction.transactionId),
  pid: transaction.pid,
  ageMs: transaction.ageMs,
  state: transaction.state,
  query: transaction.query,
});

function consumerJson(report: ConsumerReport) {
  const { status } = report;
  return {
    name: report.name,
    tenant: report.tenant,
    checkpoint: jsonLogPosition(status.checkpoint),
    head: jsonLogPosition(status.head),
    lag: status.lag,
    oldestUnhandledAt: status.oldestUnhandledAt ?? null,
    lagMs: report.lagMs,
    holder: report.holder,
    leaseOwner: status.leaseOwner,
    leaseExpiresAt: status.leaseExpiresAt,
    heldBackBy: report.heldBackBy ? transactionJson(report.heldBackBy) : null,
    parked: report.parked,
    haltedAt: report.haltedAt?.toString() ?? null,
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
  const now = Date.now();
  const { consumers, heldBack: held } = await consumerReports(
    config.store,
    config.consumers.map(({ consumer }) => consumer),
    now,
  );
  const outbox = [];
  for (const { tenant, relay } of outboxScopes(config.store, config.relays)) {
    outbox.push({ tenant, counts: await relay.status() });
  }
  const json = {
    consumers: consumers.map(consumerJson),
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
