import { type AnyEventDefinition, createOutboxRelay, type OutboxRelay } from '@es/core';
import type { LoadedConfig } from '../config.js';
import { confirm } from '../confirm.js';
import { CliError, ExitCode } from '../exitCodes.js';
import { formatStream, plural } from '../format.js';
import type { CommandContext, CommonOptions } from '../run.js';

type Relay = OutboxRelay<AnyEventDefinition, unknown>;

export interface OutboxOptions extends CommonOptions {
  readonly tenant?: string;
  readonly limit?: number;
  readonly yes?: boolean;
}

/**
 * A relay over the store's outbox, every tenant's rows or one tenant's, for its operator methods
 * (status, dead rows) only: `es` never starts it, so it never publishes.
 */
function operatorRelay(config: LoadedConfig, tenant: string | undefined): Relay {
  const store = tenant === undefined ? config.store : config.store.forTenant(tenant);
  return createOutboxRelay(store, {
    publish: async () => {
      throw new Error('the es command never publishes');
    },
  });
}

/** The outboxes `es status` reports: one per tenant scope of the config's relays, or the store's. */
export function outboxScopes(config: LoadedConfig): { tenant: string | undefined; relay: Relay }[] {
  if (config.relays.length === 0) return [{ tenant: undefined, relay: operatorRelay(config, undefined) }];
  const byTenant = new Map<string | undefined, Relay>();
  for (const relay of config.relays) if (!byTenant.has(relay.tenant)) byTenant.set(relay.tenant, relay);
  return [...byTenant].map(([tenant, relay]) => ({ tenant, relay }));
}

/** Outbox row ids from the command line; none: every dead row. */
function rowIds(ids: readonly string[] | undefined): bigint[] | undefined {
  if (!ids || ids.length === 0) return undefined;
  return ids.map((id) => {
    if (!/^\d+$/.test(id))
      throw new CliError(`outbox row id ${JSON.stringify(id)} is not a number`, ExitCode.usage, 'USAGE');
    return BigInt(id);
  });
}

const oneLine = (text: string | null, max: number) => {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** `es outbox dead`. */
export function listDead(options: OutboxOptions) {
  return async ({ config, out }: CommandContext): Promise<void> => {
    const rows = await operatorRelay(config, options.tenant).dead.list(options.limit);
    if (out.json) {
      return out.document(
        rows.map(({ id, attempts, lastError, event }) => ({
          id: String(id),
          attempts,
          lastError,
          event: {
            id: event.id,
            type: event.type,
            stream: event.stream,
            version: event.version,
            position: String(event.position),
            recordedAt: event.recordedAt,
          },
        })),
      );
    }
    if (rows.length === 0) return out.line(out.dim('no dead outbox rows'));
    out.table(
      ['ID', 'STREAM', 'VERSION', 'TYPE', 'POSITION', 'ATTEMPTS', 'LAST ERROR'],
      rows.map(({ id, attempts, lastError, event }) => [
        String(id),
        formatStream(event.stream),
        String(event.version),
        event.type,
        String(event.position),
        String(attempts),
        out.colors.red(oneLine(lastError, 80)),
      ]),
    );
  };
}

/** `es outbox retry [ids...]`. */
export function retry(options: OutboxOptions, ids: readonly string[] | undefined) {
  const chosen = rowIds(ids);
  return async ({ config, out }: CommandContext): Promise<void> => {
    const retried = await operatorRelay(config, options.tenant).dead.retry(chosen);
    if (out.json) return out.document({ retried });
    out.line(
      `${plural(retried, 'dead outbox row')} made pending again: the relays publish ${retried === 1 ? 'it' : 'them'} next`,
    );
  };
}

/** `es outbox purge [ids...]`: asks first unless `--yes`. */
export function purge(options: OutboxOptions, ids: readonly string[] | undefined) {
  const chosen = rowIds(ids);
  return async ({ config, out }: CommandContext) => {
    const relay = operatorRelay(config, options.tenant);
    const dead = chosen ? chosen.length : (await relay.status()).dead;
    if (dead === 0) {
      if (out.json) return out.document({ purged: 0 });
      return out.line(out.dim('no dead outbox rows'));
    }
    const what = chosen
      ? `dead outbox row${chosen.length === 1 ? '' : 's'} ${chosen.join(', ')}`
      : `${plural(dead, 'dead outbox row')}${options.tenant ? ` of tenant ${options.tenant}` : ''}`;
    if (!options.yes && !(await confirm(`Delete ${what} for good?`))) {
      throw new CliError(`not purged: ${what} kept`, ExitCode.declined, 'DECLINED');
    }
    const purged = await relay.dead.purge(chosen);
    if (out.json) return out.document({ purged });
    out.line(`${plural(purged, 'dead outbox row')} deleted`);
  };
}
