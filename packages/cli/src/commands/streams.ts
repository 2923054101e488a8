import type { RecordedEvent, StreamKey } from '@es/core';
import { CliError, ExitCode } from '../exitCodes.js';
import { formatStream, inspectValue } from '../format.js';
import type { CommandContext, CommonOptions } from '../run.js';

export interface StreamsOptions extends CommonOptions {
  readonly tenant?: string;
  readonly category?: string;
  readonly limit: number;
  readonly after?: string;
}

export interface StreamOptions extends CommonOptions {
  readonly tenant?: string;
  readonly from?: number;
  readonly limit?: number;
}

const usage = (message: string) => new CliError(message, ExitCode.usage, 'USAGE');

/** `tenant/category/id` (the id may hold more slashes). */
function streamKeyArgument(text: string): StreamKey {
  const [tenant, category, ...id] = text.split('/');
  if (!tenant || !category || id.length === 0)
    throw usage(`--after takes tenant/category/id; got ${JSON.stringify(text)}`);
  return { tenant, category, id: id.join('/') };
}

/** `es streams`. */
export function listStreams(options: StreamsOptions) {
  const after = options.after === undefined ? undefined : streamKeyArgument(options.after);
  return async ({ config, out }: CommandContext): Promise<void> => {
    const store = options.tenant === undefined ? config.store : config.store.forTenant(options.tenant);
    const { streams, next } = await store.listStreams({
      allTenants: options.tenant === undefined,
      limit: options.limit,
      ...(options.category !== undefined && { category: options.category }),
      ...(after && { after }),
    });
    if (out.json) return out.document({ streams, next: next ? formatStream(next) : null });
    if (streams.length === 0) out.line(out.dim('no streams'));
    else {
      out.table(
        ['TENANT', 'CATEGORY', 'ID', 'VERSION'],
        streams.map(({ stream, version }) => [stream.tenant, stream.category, stream.id, String(version)]),
      );
    }
    if (next) out.note(out.dim(`more streams: es streams --after ${formatStream(next)}`));
  };
}

/** An event for `--json`: every field, positions as strings. */
export function eventJson(event: RecordedEvent) {
  return {
    id: event.id,
    type: event.type,
    stream: event.stream,
    version: event.version,
    position: String(event.position),
    transactionId: String(event.transactionId),
    recordedAt: event.recordedAt,
    storedSchemaVersion: event.storedSchemaVersion,
    unknownType: 'unknownType' in event ? true : undefined,
    data: event.data,
    metadata: event.metadata,
  };
}

/** `es stream <category>/<id>`. */
export function showStream(options: StreamOptions, name: string) {
  const slash = name.indexOf('/');
  if (slash <= 0 || slash === name.length - 1) throw usage(`a stream is category/id; got ${JSON.stringify(name)}`);
  const stream = { category: name.slice(0, slash), id: name.slice(slash + 1) };
  return async ({ config, out }: CommandContext): Promise<void> => {
    const store = options.tenant === undefined ? config.store : config.store.forTenant(options.tenant);
    const key = { tenant: store.tenant, ...stream };
    const events = await store.readStream(stream, {
      unknownTypes: 'raw',
      ...(options.from !== undefined && { fromVersion: options.from }),
      ...(options.limit !== undefined && { limit: options.limit }),
    });
    const version =
      events.length === 0 || options.from !== undefined || options.limit !== undefined
        ? await store.streamVersion(stream)
        : (events.at(-1)?.version ?? 0);
    if (version === 0) {
      throw new CliError(`stream ${formatStream(key)} has no events`, ExitCode.notFound, 'NOT_FOUND');
    }
    if (out.json) return out.document({ stream: key, version, events: events.map(eventJson) });
    const { colors } = out;
    out.line(
      `${colors.bold(formatStream(key))}: version ${version}, ${events.length} event${events.length === 1 ? '' : 's'} shown`,
    );
    for (const event of events) {
      out.line();
      const unknown = 'unknownType' in event ? colors.yellow(' (type unknown to the config store: as stored)') : '';
      out.line(
        `${colors.bold(`#${event.version}`)} ${colors.cyan(event.type)}${unknown}  ${out.dim(`position ${event.position}  ${event.recordedAt.toISOString()}  id ${event.id}`)}`,
      );
      const indent = (text: string) => text.split('\n').join('\n            ');
      out.line(`  data      ${indent(inspectValue(event.data, { colors: colors.isColorSupported }))}`);
      out.line(`  metadata  ${indent(inspectValue(event.metadata, { colors: colors.isColorSupported }))}`);
    }
  };
}
