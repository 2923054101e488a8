import type { OutboxActionRequest, OutboxResponse, PurgeResponse, RetryResponse } from '../../api/contract.js';
import { badRequest } from '../http/errors.js';
import type { AnyStore } from '../operator/application.js';
import { operatorRelay } from '../operator/outbox.js';
import type { EventPresenter } from './eventJson.js';
import { type Query, tenantScope } from './query.js';

/** The relay an outbox request works through: every tenant's rows, or the tenant's it names. */
function relayFor(root: AnyStore, tenant: string | undefined) {
  const { store, allTenants } = tenantScope(root, tenant);
  return operatorRelay(store, allTenants ? undefined : store.tenant);
}

/** GET api/outbox */
export async function outbox(root: AnyStore, query: Query, present: EventPresenter): Promise<OutboxResponse> {
  const status = query.string('status') ?? 'pending';
  if (status !== 'pending' && status !== 'dead') throw badRequest("status must be 'pending' or 'dead'");
  const after = query.string('after');
  if (after !== undefined && !/^\d{1,20}$/.test(after)) throw badRequest('after must be an outbox row id');
  const limit = query.integer('limit', 50, 1, 500);
  const relay = relayFor(root, query.string('tenant'));
  const [rows, counts] = await Promise.all([
    relay.list({ status, limit, ...(after !== undefined && { after: BigInt(after) }) }),
    relay.status(),
  ]);
  return {
    rows: rows.map((row) => ({
      id: String(row.id),
      status: row.status,
      attempts: row.attempts,
      lastError: row.lastError,
      nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
      event: present(row.event),
    })),
    next: rows.length === limit ? String(rows.at(-1)?.id) : null,
    counts: {
      pending: counts.pending,
      dead: counts.dead,
      oldestPendingAt: counts.oldestPendingAt?.toISOString() ?? null,
    },
  };
}

/** The body of a retry or purge: row ids (none: every dead row) and a tenant. */
function outboxAction(body: Record<string, unknown>): { ids: bigint[] | undefined; tenant: string | undefined } {
  const { ids, tenant } = body as Partial<Record<keyof OutboxActionRequest, unknown>>;
  if (
    ids !== undefined &&
    (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string' && /^\d{1,20}$/.test(id)))
  ) {
    throw badRequest(
      'ids must be a non-empty list of outbox row ids (strings of digits); leave it out for every dead row',
    );
  }
  if (tenant !== undefined && typeof tenant !== 'string') throw badRequest('tenant must be a string');
  return { ids: ids?.map((id) => BigInt(id as string)), tenant };
}

/** POST api/outbox/retry */
export async function retry(root: AnyStore, body: Record<string, unknown>): Promise<RetryResponse> {
  const { ids, tenant } = outboxAction(body);
  return { retried: await relayFor(root, tenant).dead.retry(ids) };
}

/** POST api/outbox/purge */
export async function purge(root: AnyStore, body: Record<string, unknown>): Promise<PurgeResponse> {
  const { ids, tenant } = outboxAction(body);
  return { purged: await relayFor(root, tenant).dead.purge(ids) };
}
