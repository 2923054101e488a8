import cliProgress from 'cli-progress';
import { formatCount, formatDuration } from './format.js';
import type { Output } from './output.js';

/**
 * A replay's progress on stderr: a bar with events per second and the time left on a terminal,
 * a plain line every second otherwise (a log file, CI), and nothing with `--json`.
 */
export class Progress {
  private bar: cliProgress.SingleBar | undefined;
  /** The replay's start: the rate counts every event handled since. */
  private readonly startedAt = Date.now();

  constructor(
    private readonly out: Output,
    private readonly title: string,
  ) {}

  /** Shows progress (once) with the number of events to handle and those handled so far. */
  start(total: number, handled = 0): void {
    if (this.bar || this.out.json) return;
    const terminal = process.stderr.isTTY === true;
    const { colors } = this.out;
    this.bar = new cliProgress.SingleBar({
      stream: process.stderr,
      format: terminal
        ? `${this.title} ${colors.cyan('{bar}')} {percentage}% | {handled}/{all} events | {speed} events/s | ETA {left}`
        : `${this.title}: {handled}/{all} events ({percentage}%), {speed} events/s, ETA {left}`,
      barCompleteChar: '\u2588',
      barIncompleteChar: '\u2591',
      hideCursor: terminal,
      noTTYOutput: true,
      notTTYSchedule: 1_000,
      // Each plain line already ends with a newline; a terminal keeps the finished bar.
      clearOnComplete: !terminal,
      fps: 10,
    });
    this.bar.start(total, handled, this.payload(handled, total));
  }

  update(handled: number): void {
    if (!this.bar) return;
    this.bar.update(handled, this.payload(handled, this.bar.getTotal()));
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }

  /** Events per second since the start, and the time left at that rate. */
  private payload(handled: number, total: number) {
    const seconds = (Date.now() - this.startedAt) / 1_000;
    const speed = seconds > 0 ? handled / seconds : 0;
    const left = speed > 0 ? formatDuration(((total - handled) / speed) * 1_000) : '-';
    return { handled: formatCount(handled), all: formatCount(total), speed: formatCount(Math.round(speed)), left };
  }
}
