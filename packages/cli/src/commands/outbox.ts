import { operatorRelay } from '@es/ui/operator';
import { confirm } from '../confirm.js';
import { CliError, ExitCode } from '../exitCodes.js';
import { formatStream, plural } from '../format.js';
import type { CommandContext, CommonOptions } from '../run.js';

export interface OutboxOptions extends CommonOptions {
  readonly tenant?: string;
  readonly limit?: number;
  readonly yes?: boolean;
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
    const rows = await operatorRelay(config.store, options.tenant).dead.list(options.limit);
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
    const retried = await operatorRelay(config.store, options.tenant).dead.retry(chosen);
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
    const relay = operatorRelay(config.store, options.tenant);
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
