import { type LoadedConfig, loadConfig } from './config.js';
import { describeError } from './errors.js';
import { ExitCode, type ExitCodeValue } from './exitCodes.js';
import { Output } from './output.js';

/** The options every command takes (`--config` from the root, `--json` from each command). */
export interface CommonOptions {
  readonly config?: string;
  readonly json?: boolean;
}

export interface CommandContext {
  readonly config: LoadedConfig;
  readonly out: Output;
}

/** A command's work over the config: it resolves to its exit code, or to nothing when done. */
export type Work = (context: CommandContext) => Promise<unknown>;

/** The failure as one line on stderr (a JSON object with `--json`); its exit code. */
export function report(error: unknown, out: Output): ExitCodeValue {
  const { code, storeCode, message, exitCode } = describeError(error);
  if (out.json) {
    process.stderr.write(`${JSON.stringify({ error: { code: code ?? null, message, exitCode } })}\n`);
  } else {
    const colors = out.errorColors;
    process.stderr.write(`${colors.red('es:')} ${storeCode ? `${colors.bold(storeCode)}: ` : ''}${message}\n`);
  }
  // ES_DEBUG=1 shows where it came from.
  if (process.env.ES_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return exitCode;
}

const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));

/**
 * Runs one command: `prepare` checks its arguments and gives its work, which runs over the
 * application's config once loaded; a failure is reported as one line, what the config opened is
 * closed, and the process exits with the command's code (the application's pools would otherwise
 * keep it alive).
 */
export async function execute(options: CommonOptions, prepare: () => Promise<Work>): Promise<never> {
  const out = new Output(options.json === true);
  let config: LoadedConfig | undefined;
  let code: ExitCodeValue = ExitCode.ok;
  try {
    const work = await prepare();
    config = await loadConfig(options.config);
    const result = await work({ config, out });
    code = typeof result === 'number' ? (result as ExitCodeValue) : ExitCode.ok;
  } catch (error) {
    code = report(error, out);
  }
  try {
    await config?.close();
  } catch (error) {
    const closing = report(error, out);
    if (code === ExitCode.ok) code = closing;
  }
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}
