import Table from 'cli-table3';
import pc from 'picocolors';
import { toJson } from './format.js';

export type Colors = ReturnType<typeof pc.createColors>;

/**
 * Colours on a terminal only, as picocolors decides it (NO_COLOR, FORCE_COLOR, --no-color,
 * --color, TERM=dumb), but per stream, and not turned on by CI=true: piped output stays plain text.
 */
function colorsFor(stream: NodeJS.WriteStream): Colors {
  const { env, argv } = process;
  const off = Boolean(env.NO_COLOR) || argv.includes('--no-color');
  const forced = Boolean(env.FORCE_COLOR) || argv.includes('--color');
  return pc.createColors(!off && (forced || (stream.isTTY === true && env.TERM !== 'dumb')));
}

/** Borderless columns, like `kubectl get` and `psql`'s aligned output. */
const NO_BORDERS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '   ',
};

/**
 * Where a command's results go: stdout, as tables and lines for a person or as JSON with
 * `--json`; notes (progress, hints) go to stderr so that stdout stays what scripts read.
 */
export class Output {
  /** For stdout, and for stderr (each coloured only where it is a terminal). */
  readonly colors: Colors = colorsFor(process.stdout);
  readonly errorColors: Colors = colorsFor(process.stderr);

  constructor(readonly json: boolean) {}

  /** A table with a header row; cells are already formatted text. */
  table(head: readonly string[], rows: readonly (readonly string[])[]): void {
    const table = new Table({
      head: head.map((title) => this.colors.bold(title)),
      chars: NO_BORDERS,
      style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
    });
    table.push(...rows.map((row) => [...row]));
    this.line(
      table
        .toString()
        .split('\n')
        .map((line) => line.trimEnd())
        .join('\n'),
    );
  }

  line(text = ''): void {
    process.stdout.write(`${text}\n`);
  }

  /** The result as JSON (one document, indented). */
  document(value: unknown): void {
    this.line(toJson(value, 2));
  }

  /** One JSON document per line (`es log --json`). */
  record(value: unknown): void {
    this.line(toJson(value));
  }

  /** To stderr: progress, hints, what happens next. */
  note(text: string): void {
    process.stderr.write(`${text}\n`);
  }

  dim = (text: string) => this.colors.dim(text);
}
