import { CliError, ExitCode, type ExitCodeValue } from './exitCodes.js';

/** An error as the user sees it: one line, a stable code where there is one, and the exit code. */
export interface DescribedError {
  readonly code: string | undefined;
  /** The store's error code, which the one-line message shows (the command's own need none). */
  readonly storeCode: string | undefined;
  readonly message: string;
  readonly exitCode: ExitCodeValue;
}

/** Error codes of `@es/core` by the exit code they end the command with. */
const EXIT_BY_CODE: Readonly<Record<string, ExitCodeValue>> = {
  INVALID_ARGUMENT: ExitCode.usage,
  INVALID_STREAM: ExitCode.usage,
  EVENT_VALIDATION: ExitCode.usage,
  UNKNOWN_EVENT_TYPE: ExitCode.usage,
  STORE: ExitCode.store,
  SCHEMA_MISMATCH: ExitCode.store,
  UPCAST: ExitCode.store,
  CONSUMER_HELD: ExitCode.conflict,
  CONSUMER_HALTED: ExitCode.conflict,
  CONCURRENCY: ExitCode.conflict,
};

/**
 * Whether `error` is one of `@es/core`'s `EsError`s, told by its class chain rather than by
 * `instanceof`: the application's config may load its own copy of `@es/core`.
 */
function esErrorCode(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return undefined;
  for (let proto = Object.getPrototypeOf(error); proto; proto = Object.getPrototypeOf(proto)) {
    if (proto.constructor?.name === 'EsError') return code;
  }
  return undefined;
}

const firstLine = (text: string) =>
  text
    .split('\n')
    .find((line) => line.trim() !== '')
    ?.trim() ?? text;

export function describeError(error: unknown): DescribedError {
  if (error instanceof CliError) {
    return { code: error.code, storeCode: undefined, message: error.message, exitCode: error.exitCode };
  }
  if (error instanceof Error) {
    const code = esErrorCode(error);
    const message = firstLine(error.message || error.name);
    if (code) return { code, storeCode: code, message, exitCode: EXIT_BY_CODE[code] ?? ExitCode.failure };
    return { code: undefined, storeCode: undefined, message, exitCode: ExitCode.failure };
  }
  return { code: undefined, storeCode: undefined, message: String(error), exitCode: ExitCode.failure };
}
