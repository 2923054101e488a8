import { compareLogPositions, type LogPage, type LogPosition } from '../backend/index.js';

/**
 * After a full page, the consumer reads the next one on another connection while its handler
 * runs, so a consumer that is behind overlaps its log reads with its handling. A page read ahead
 * is used only by a batch that starts where it was read from (the log after a position is the
 * same whenever it is read); otherwise, or when it failed or came back empty, the batch reads
 * its page as usual.
 */
export class ReadAhead {
  private ahead: { readonly after: LogPosition; readonly page: Promise<LogPage> } | undefined;

  constructor(private readonly read: (after: LogPosition) => Promise<LogPage>) {}

  /** Starts reading the page after `after`. */
  start(after: LogPosition): void {
    const page = this.read(after);
    page.catch(() => {}); // read again in the batch's transaction, which reports the error
    this.ahead = { after, page };
  }

  /** The page read ahead (awaited, so no read is left waiting for a connection), once. */
  async take(): Promise<{ after: LogPosition; page: LogPage } | undefined> {
    const ahead = this.ahead;
    this.ahead = undefined;
    if (!ahead) return undefined;
    try {
      return { after: ahead.after, page: await ahead.page };
    } catch {
      return undefined;
    }
  }

  /** The page taken, if it starts at `after` and holds events. */
  static usable(taken: { after: LogPosition; page: LogPage } | undefined, after: LogPosition): LogPage | undefined {
    return taken && taken.page.events.length > 0 && compareLogPositions(taken.after, after) === 0
      ? taken.page
      : undefined;
  }
}
