import type { LogPosition, RecordedEvent } from '@es/core';
import { formatStream, inspectValue } from '../format.js';
import { Interruption } from '../interrupt.js';
import type { Output } from '../output.js';
import type { CommandContext, CommonOptions } from '../run.js';
import { eventJson } from './streams.js';

export interface LogOptions extends CommonOptions {
  readonly follow?: boolean;
  readonly after?: bigint;
  readonly limit: number;
  readonly tenant?: string;
  readonly category?: string[];
  readonly type?: string[];
  readonly interval: number;
}

const PAGE = 500;

function printEvent(out: Output, event: RecordedEvent): void {
  if (out.json) {
    out.record(eventJson(event));
    return;
  }
  const { colors } = out;
  out.line(
    [
      colors.bold(String(event.position).padStart(8)),
      out.dim(event.recordedAt.toISOString()),
      `${formatStream(event.stream)}${out.dim(`@${event.version}`)}`,
      colors.cyan(event.type),
      inspectValue(event.data, { colors: colors.isColorSupported, oneLine: true }),
    ].join('  '),
  );
}

/**
 * `es log`: the log read by position as consumers read it (never skipping a late commit); with
 * `--follow`, polled after its end until Ctrl-C, so events print as they commit.
 */
export function log(options: LogOptions) {
  return async ({ config, out }: CommandContext): Promise<void> => {
    const store = options.tenant === undefined ? config.store : config.store.forTenant(options.tenant);
    const { backend } = store;
    // A global position becomes the log position of that event (on PostgreSQL the log is ordered
    // by transaction id first); --follow alone starts at the end of the log.
    let after: LogPosition = await backend.read((session) =>
      options.after !== undefined
        ? session.logPositionAt(options.after)
        : options.follow
          ? session.logHead()
          : session.logPositionAt(0n),
    );
    const filter = {
      allTenants: options.tenant === undefined,
      unknownTypes: 'raw' as const,
      ...(options.category && { categories: options.category }),
      ...(options.type && { types: options.type }),
    };
    const interruption = new Interruption(() => {});
    try {
      let printed = 0;
      for (;;) {
        const limit = options.follow ? PAGE : Math.min(PAGE, options.limit - printed);
        const page = await store.readAll({ ...filter, after, limit });
        for (const event of page.events) printEvent(out, event);
        printed += page.events.length;
        after = page.next;
        if (interruption.requested) return;
        if (!options.follow) {
          if (page.events.length < limit) return;
          if (printed >= options.limit) {
            const last = page.events.at(-1) as RecordedEvent;
            out.note(out.dim(`more events: es log --after ${last.position}`));
            return;
          }
          continue;
        }
        if (page.events.length < limit) await interruption.sleep(options.interval);
        if (interruption.requested) return;
      }
    } finally {
      interruption.dispose();
    }
  };
}
