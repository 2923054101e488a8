import { type AnyEventDefinition, type Consumer, LOG_START, type LogPosition } from '@es/core';
import type { LoadedConfig } from '../config.js';
import { CliError, ExitCode } from '../exitCodes.js';
import { formatDuration, formatLogPosition, jsonLogPosition, plural } from '../format.js';
import { Interruption } from '../interrupt.js';
import { Progress } from '../progress.js';
import type { CommandContext, CommonOptions } from '../run.js';

export interface ConsumerCommandOptions extends CommonOptions {
  readonly tenant?: string;
}

export interface RebuildOptions extends ConsumerCommandOptions {
  readonly resume?: boolean;
  readonly withoutClear?: boolean;
}

export interface ResetOptions extends ConsumerCommandOptions {
  readonly to: string;
}

/** The consumer of the config with this name (in this tenant, when several tenants have one). */
function findConsumer(config: LoadedConfig, name: string, tenant: string | undefined) {
  const named = config.consumers.filter(({ consumer }) => consumer.name === name);
  const matching = tenant === undefined ? named : named.filter(({ consumer }) => consumer.key.tenant === tenant);
  if (matching.length === 1) return matching[0] as LoadedConfig['consumers'][number];
  if (matching.length > 1) {
    const tenants = matching.map(({ consumer }) => consumer.key.tenant).join(', ');
    throw new CliError(
      `consumer '${name}' runs in several tenants (${tenants}): name one with --tenant`,
      ExitCode.usage,
      'USAGE',
    );
  }
  const known = [...new Set(config.consumers.map(({ consumer }) => consumer.name))].join(', ') || 'none';
  const where = tenant === undefined ? '' : ` in tenant ${tenant}`;
  throw new CliError(
    `no consumer '${name}'${where} in ${config.path} (it has: ${known})`,
    ExitCode.notFound,
    'NOT_FOUND',
  );
}

/** Thrown from a progress report once Ctrl-C asked to stop: the replay ends after that batch. */
class Stopped extends Error {
  constructor(readonly handled: number) {
    super('stopped');
  }
}

/**
 * `es consumer rebuild <name>`: the config's `clear` and the checkpoint's move back to the start
 * commit together, then the log is replayed batch by batch, each batch's writes and checkpoint in
 * one transaction. So Ctrl-C (which stops after the batch in flight) leaves a read model that
 * matches its checkpoint, and `--resume` goes on from there.
 */
export function rebuild(options: RebuildOptions, name: string) {
  return async ({ config, out }: CommandContext) => {
    const { consumer, clear } = findConsumer(config, name, options.tenant);
    if (!clear && !options.resume && !options.withoutClear) {
      throw new CliError(
        `consumer '${name}' has no clear() in ${config.path}: give it as { consumer, clear }, or pass --without-clear to replay over its read model as it is`,
        ExitCode.usage,
        'USAGE',
      );
    }
    const progress = new Progress(out, `${options.resume ? 'resuming' : 'rebuilding'} ${name}`);
    // On a terminal the note starts below the bar (and the ^C the terminal echoed).
    const below = process.stderr.isTTY ? '\n' : '';
    const interruption = new Interruption(() =>
      out.note(out.dim(`${below}stopping after the batch in flight (Ctrl-C again to quit at once)`)),
    );
    // Between batches the event loop gets a turn: a synchronous driver (better-sqlite3) would
    // otherwise run the whole replay without letting Ctrl-C or the progress redraws in.
    const report = async (handled: number) => {
      progress.update(handled);
      await new Promise((resolve) => setImmediate(resolve));
      if (interruption.requested) throw new Stopped(handled);
    };
    const startedAt = Date.now();
    let handled: number;
    try {
      if (options.resume) {
        progress.start((await consumer.status()).lag);
        handled = await consumer.catchUp(report);
      } else {
        handled = await consumer.rebuild({
          ...(clear && { clear }),
          onProgress: (reported) => {
            progress.start(reported.total, reported.handled);
            return report(reported.handled);
          },
        });
      }
    } catch (error) {
      if (!(error instanceof Stopped)) throw error;
      progress.stop();
      const checkpoint = (await consumer.status()).checkpoint;
      const resume = `es consumer rebuild ${name}${options.tenant ? ` --tenant ${options.tenant}` : ''} --resume`;
      if (out.json)
        out.document({
          consumer: name,
          interrupted: true,
          handled: error.handled,
          checkpoint: jsonLogPosition(checkpoint),
        });
      out.note(
        `interrupted after ${plural(error.handled, 'event')}; the checkpoint stands at ${formatLogPosition(checkpoint)}, after the last batch, with its read model: go on with ${resume}`,
      );
      return ExitCode.interrupted;
    } finally {
      progress.stop();
      interruption.dispose();
    }
    const took = Date.now() - startedAt;
    const { checkpoint } = await consumer.status();
    if (out.json)
      return out.document({ consumer: name, handled, tookMs: took, checkpoint: jsonLogPosition(checkpoint) });
    out.line(
      `${options.resume ? 'resumed' : 'rebuilt'} ${name}: ${plural(handled, 'event')} in ${formatDuration(took)}; checkpoint ${formatLogPosition(checkpoint)}`,
    );
  };
}

/** `start`, `end`, or a global position. */
async function target(consumer: Consumer<AnyEventDefinition, unknown>, to: string): Promise<LogPosition | bigint> {
  if (to === 'start') return LOG_START;
  if (to === 'end') return (await consumer.status()).head;
  if (/^\d+$/.test(to)) return BigInt(to);
  throw new CliError(
    `--to takes a global position, 'start' or 'end'; got ${JSON.stringify(to)}`,
    ExitCode.usage,
    'USAGE',
  );
}

/** `es consumer reset <name> --to <position>`. */
export function reset(options: ResetOptions, name: string) {
  return async ({ config, out }: CommandContext) => {
    const { consumer } = findConsumer(config, name, options.tenant);
    const to = await target(consumer, options.to);
    const before = (await consumer.status()).checkpoint;
    const after = await consumer.reset(to);
    const { lag } = await consumer.status();
    if (out.json)
      return out.document({ consumer: name, from: jsonLogPosition(before), to: jsonLogPosition(after), lag });
    out.line(
      `${name}: checkpoint moved from ${formatLogPosition(before)} to ${formatLogPosition(after)}; ${plural(lag, 'event')} to handle from there`,
    );
  };
}
