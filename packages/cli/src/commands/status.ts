import type { OldestTransaction, OutboxCounts } from '@es/core';
import { type ConsumerReport, consumerReports, outboxScopes, type PartitionReport } from '@es/ui/operator';
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
    partitions: report.partitions?.map(partitionJson) ?? null,
    instances: report.instances?.map(({ owner, expiresAt }) => ({ owner, expiresAt })) ?? null,
  };
}

const partitionJson = (partition: PartitionReport) => ({
  partition: partition.partition,
  holder: partition.holder,
  held: partition.holder !== null,
  checkpoint: jsonLogPosition(partition.checkpoint),
  lag: partition.lag,
  leaseOwner: partition.leaseOwner,
  leaseExpiresAt: partition.leaseExpiresAt,
});

/** How long a lease has left, by this machine's clock (the database's decides; this is for reading). */
function leaseLeft(expiresAt: Date | null, now: number): string {
  const expires = expiresAt?.getTime();
  return expires === undefined ? '-' : expires > now ? `${formatDuration(expires - now)} left` : 'expired';
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

/** A partitioned consumer's partitions under the consumers' table: who holds each, how far each is. */
function partitionTable(out: CommandContext['out'], report: ConsumerReport, now: number): void {
  const partitions = report.partitions ?? [];
  const { colors } = out;
  const held = partitions.filter((partition) => partition.holder !== null).length;
  const instances = report.instances?.map(({ owner }) => owner).join(', ') || 'none';
  out.line();
  out.line(
    `${report.name} (${report.tenant}): ${plural(partitions.length, 'partition')}, ${held} held; live instances: ${instances}`,
  );
  out.table(
    ['PARTITION', 'HOLDER', 'CHECKPOINT', 'LAG', 'HELD', 'LEASE'],
    partitions.map((partition) => [
      String(partition.partition),
      partition.holder ?? '-',
      formatLogPosition(partition.checkpoint),
      partition.lag === 0 ? colors.green('0') : colors.yellow(formatCount(partition.lag)),
      partition.holder === null ? colors.yellow('no') : 'yes',
      leaseLeft(partition.leaseExpiresAt, now),
    ]),
  );
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
        const held = consumer.heldBackBy;
        return [
          consumer.name,
          consumer.tenant,
          formatLogPosition(status.checkpoint),
          formatLogPosition(status.head),
          consumer.lag === 0 ? colors.green('0') : colors.yellow(formatCount(consumer.lag)),
          consumer.lagMs === null ? '-' : formatDuration(consumer.lagMs),
          // A partitioned consumer's holders are its partitions': the instances sharing it.
          consumer.instances ? plural(consumer.instances.length, 'instance') : (consumer.holder ?? '-'),
          consumer.partitions
            ? plural(consumer.partitions.length, 'partition')
            : leaseLeft(consumer.leaseExpiresAt, now),
          consumer.haltedAt
            ? colors.red(`halted at ${consumer.haltedAt}`)
            : consumer.parked > 0
              ? colors.yellow(String(consumer.parked))
              : '0',
          held ? colors.yellow(`tx ${held.transactionId} (pid ${held.pid}, ${formatDuration(held.ageMs)})`) : '-',
        ];
      }),
    );
    for (const report of consumers) if (report.partitions) partitionTable(out, report, now);
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
