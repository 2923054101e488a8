/**
 * The command line: every command, option and help text. Nothing here loads the application's
 * config, a database driver or a table renderer: each action imports what it needs when it runs,
 * so `es --help` and a typo answer at once.
 */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { RebuildOptions, ResetOptions } from './commands/consumer.js';
import type { LogOptions } from './commands/log.js';
import type { OutboxOptions } from './commands/outbox.js';
import type { StreamOptions, StreamsOptions } from './commands/streams.js';
import type { UiOptions } from './commands/ui.js';
import { ExitCode } from './exitCodes.js';
import type { CommonOptions, Work } from './run.js';

const EXIT_CODES = `
Exit codes:
  0    done
  1    an unexpected failure
  2    wrong usage: unknown command or option, malformed argument
  3    the config module is missing, fails to load, or exports no store
  4    not found: no such consumer in the config, no such stream
  5    the database failed (error code STORE, SCHEMA_MISMATCH ...)
  6    refused for now: the consumer is held by another instance, or halted
  7    a confirmation was declined, or needed (no terminal) without --yes
  130  interrupted (Ctrl-C): stopped after the batch in flight`;

const CONFIG_HELP = `
The config module (es.config.ts in the working directory, or --config) exports your store, its
consumers and its relays, over your application's own database and tables:

  import { defineConfig } from '@es/cli';
  import { balanceRows, balances, pool, relay, store } from './src/store.ts';

  export default defineConfig({
    store,
    consumers: [{ consumer: balances, clear: ({ transaction }) => transaction.delete(balanceRows) }],
    relays: [relay],
    close: () => pool.end(),
  });`;

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < 1) {
    throw new InvalidArgumentError('must be a whole number >= 1');
  }
  return parsed;
}

function portNumber(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed > 65_535) throw new InvalidArgumentError('must be a port number (0 to 65535)');
  return parsed;
}

function logPositionArgument(value: string): bigint {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a global position (a whole number >= 0)');
  return BigInt(value);
}

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/**
 * A command's action: its module imported when it runs, given the options (the root's too) and the
 * positional arguments, then run over the config by `execute`.
 */
function action<O extends CommonOptions>(load: (options: O, args: readonly unknown[]) => Promise<Work>) {
  return async (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    const options = command.optsWithGlobals() as O;
    const { execute } = await import('./run.js');
    return execute(options, () => load(options, args.slice(0, -2)));
  };
}

const jsonOption = () => new Option('--json', 'print the result as JSON (errors too, on stderr)');
const tenantOption = (what: string) => new Option('--tenant <tenant>', what);

export function buildProgram(): Command {
  const program = new Command('es')
    .description(
      "Operate an @es event store: what its consumers and outbox are doing, and repair them, over the application's own store.",
    )
    .version(version(), '-V, --version')
    .option('-c, --config <path>', 'the config module exporting the store (default: ./es.config.ts, .mts, .js or .mjs)')
    .option('--no-color', 'plain text even on a terminal (NO_COLOR=1 too)')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`es: ${text.replace(/^error: /, '')}`) })
    .addHelpText('after', `${CONFIG_HELP}\n${EXIT_CODES}`);

  program
    .command('status')
    .description(
      'every consumer (checkpoint, head, lag, holder, lease, what holds it back) and the outbox (pending, dead, oldest pending)',
    )
    .addOption(jsonOption())
    .action(action(async () => (await import('./commands/status.js')).status));

  program
    .command('streams')
    .description('list streams by tenant and category, with their versions, in (tenant, category, id) order')
    .addOption(tenantOption("only this tenant's streams (default: every tenant's)"))
    .option('--category <category>', "only this category's streams")
    .addOption(new Option('--limit <n>', 'at most this many').argParser(positiveInteger).default(100))
    .option('--after <tenant/category/id>', 'the streams after this one (the next page)')
    .addOption(jsonOption())
    .action(action<StreamsOptions>(async (options) => (await import('./commands/streams.js')).listStreams(options)));

  program
    .command('stream')
    .argument('<category/id>', 'the stream: its category, a slash, its id')
    .description("a stream's events: type, version, position, time, data and metadata")
    .addOption(tenantOption("the stream's tenant (default: the config store's)"))
    .addOption(new Option('--from <version>', 'from this version on').argParser(positiveInteger))
    .addOption(new Option('--limit <n>', 'at most this many events').argParser(positiveInteger))
    .addOption(jsonOption())
    .action(
      action<StreamOptions>(async (options, args) =>
        (await import('./commands/streams.js')).showStream(options, String(args[0])),
      ),
    );

  program
    .command('log')
    .description('the global log in commit order; --follow prints events as they commit until Ctrl-C')
    .option('-f, --follow', 'keep printing events as they commit (from the end of the log unless --after)')
    .addOption(
      new Option(
        '--after <position>',
        'start after this global position (default: the start, or the end with --follow)',
      ).argParser(logPositionArgument),
    )
    .addOption(
      new Option('--limit <n>', 'at most this many events (without --follow)').argParser(positiveInteger).default(100),
    )
    .addOption(tenantOption("only this tenant's events (default: every tenant's)"))
    .option('--category <category...>', 'only these categories')
    .option('--type <type...>', 'only these event types')
    .addOption(new Option('--interval <ms>', 'how often --follow polls').argParser(positiveInteger).default(500))
    .addOption(jsonOption())
    .action(action<LogOptions>(async (options) => (await import('./commands/log.js')).log(options)));

  program
    .command('ui')
    .description('the event browser: a page over the streams, the live log, the consumers and the outbox, until Ctrl-C')
    .option('--host <address>', 'the address to listen on; anything but loopback needs --token', '127.0.0.1')
    .addOption(new Option('--port <port>', 'the port to listen on').argParser(portNumber).default(4000))
    .option('--token <token>', 'every request must carry it (default: ES_UI_TOKEN; none on loopback)')
    .option('--actions', "allow the page's actions: retry and purge dead outbox rows, rebuild a consumer")
    .option('--show-personal', "show personal fields' values (default: masked as [personal])")
    .addOption(jsonOption())
    .action(action<UiOptions>(async (options) => (await import('./commands/ui.js')).ui(options)));

  const consumer = program.command('consumer').description("rebuild a consumer's read model, or move its checkpoint");
  consumer
    .command('rebuild')
    .argument('<name>', 'the consumer, as named in the config')
    .description(
      'empty the read model (the clear() the config gives) and replay the log into it, with progress; Ctrl-C stops after the batch in flight, and --resume goes on from there',
    )
    .addOption(tenantOption("the consumer's tenant, when the config has the name in several"))
    .option('--resume', 'go on with an interrupted rebuild from its checkpoint, without clearing')
    .option('--without-clear', 'replay over the read model as it is (for a consumer with no clear())')
    .addOption(jsonOption())
    .action(
      action<RebuildOptions>(async (options, args) =>
        (await import('./commands/consumer.js')).rebuild(options, String(args[0])),
      ),
    );
  consumer
    .command('reset')
    .argument('<name>', 'the consumer, as named in the config')
    .description('move the checkpoint without handling anything: the consumer handles the events after it next')
    .requiredOption('--to <position>', "a global position (the consumer goes on after that event), 'start' or 'end'")
    .addOption(tenantOption("the consumer's tenant, when the config has the name in several"))
    .addOption(jsonOption())
    .action(
      action<ResetOptions>(async (options, args) =>
        (await import('./commands/consumer.js')).reset(options, String(args[0])),
      ),
    );

  const outbox = program.command('outbox').description('dead outbox rows: list, retry, purge');
  outbox
    .command('dead')
    .description('dead rows (publishing failed every attempt), oldest first, with their last error')
    .addOption(tenantOption("only this tenant's rows (default: every tenant's)"))
    .addOption(new Option('--limit <n>', 'at most this many').argParser(positiveInteger).default(100))
    .addOption(jsonOption())
    .action(action<OutboxOptions>(async (options) => (await import('./commands/outbox.js')).listDead(options)));
  outbox
    .command('retry')
    .argument('[ids...]', 'the rows to retry (default: every dead row)')
    .description('make dead rows pending again with a fresh attempt count: the relays publish them')
    .addOption(tenantOption("only this tenant's rows (default: every tenant's)"))
    .addOption(jsonOption())
    .action(
      action<OutboxOptions>(async (options, args) =>
        (await import('./commands/outbox.js')).retry(options, args[0] as string[]),
      ),
    );
  outbox
    .command('purge')
    .argument('[ids...]', 'the rows to delete (default: every dead row)')
    .description('delete dead rows for good, after a confirmation')
    .addOption(tenantOption("only this tenant's rows (default: every tenant's)"))
    .option('-y, --yes', 'do not ask for a confirmation')
    .addOption(jsonOption())
    .action(
      action<OutboxOptions>(async (options, args) =>
        (await import('./commands/outbox.js')).purge(options, args[0] as string[]),
      ),
    );

  return program;
}

/**
 * Parses the command line and runs the command; commander's own exits get scripts' exit codes,
 * and anything that escapes a command still ends as one line, not a stack trace.
 */
export async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    const { code, exitCode } = error as { code?: unknown; exitCode?: unknown };
    if (typeof code === 'string' && code.startsWith('commander.')) {
      // Help asked for (or the version) is done; help shown for a missing subcommand, or any
      // other complaint of commander's, is wrong usage.
      process.exit(exitCode === 0 ? ExitCode.ok : ExitCode.usage);
    }
    const { Output } = await import('./output.js');
    const { report } = await import('./run.js');
    process.exit(report(error, new Output(argv.includes('--json'))));
  }
}
