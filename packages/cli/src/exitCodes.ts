/**
 * The exit codes scripts can rely on (the README lists them). Each failure ends with one line on
 * stderr (a JSON object with `--json`) saying what went wrong.
 */
export const ExitCode = {
  /** Done. */
  ok: 0,
  /** Something unexpected failed (a bug, or an error the command cannot classify). */
  failure: 1,
  /** The command line or its input is wrong: an unknown command or option, a malformed argument. */
  usage: 2,
  /** The config module is missing, fails to load, or exports no store. */
  config: 3,
  /** What the command names does not exist: a consumer the config lacks, a stream with no events. */
  notFound: 4,
  /** The database failed (connection, statement, schema): `STORE`, `SCHEMA_MISMATCH` ... */
  store: 5,
  /** The store refused for now: another instance holds the consumer, or it is halted at an event. */
  conflict: 6,
  /** A confirmation was declined, or could not be asked (no terminal) and `--yes` was not given. */
  declined: 7,
  /** Interrupted (Ctrl-C): the work stopped after the batch in flight. */
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure the command diagnosed itself: its message is the whole story, its exit code says which. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    /** A stable name for `--json` output (`CONFIG`, `NOT_FOUND` ...). */
    readonly code: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
