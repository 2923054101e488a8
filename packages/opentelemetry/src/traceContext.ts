import { isSpanContextValid, type Link, type Span, type SpanContext, type TraceFlags } from '@opentelemetry/api';

/** The metadata key an append's trace context is stored under (W3C Trace Context's header name). */
export const TRACEPARENT = 'traceparent';

// version-traceid-parentid-flags; a later version may append fields after a dash (W3C Trace Context).
const TRACEPARENT_FORMAT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** A span context as a W3C `traceparent` value. */
export function formatTraceparent(context: SpanContext): string {
  return `00-${context.traceId}-${context.spanId}-${context.traceFlags.toString(16).padStart(2, '0')}`;
}

/** The span context a `traceparent` value carries; undefined when it is not one (or carries none). */
export function parseTraceparent(value: unknown): SpanContext | undefined {
  if (typeof value !== 'string') return undefined;
  const match = TRACEPARENT_FORMAT.exec(value);
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string?,
  ];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  const context: SpanContext = {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16) as TraceFlags,
    isRemote: true,
  };
  return isSpanContextValid(context) ? context : undefined;
}

/**
 * The metadata an append stores with each event: its span's context, when that is a valid one
 * (with no SDK registered the span is a no-op whose context is not, and nothing is stored).
 */
export function traceMetadata(span: Span): { [TRACEPARENT]: string } | undefined {
  const context = span.spanContext();
  return isSpanContextValid(context) ? { [TRACEPARENT]: formatTraceparent(context) } : undefined;
}

/** The trace context stored with a recorded event by the append that wrote it, if any. */
export function eventSpanContext(event: {
  readonly metadata: { readonly [key: string]: unknown };
}): SpanContext | undefined {
  return parseTraceparent(event.metadata[TRACEPARENT]);
}

/** Links to the appends that wrote `events`, one per append (its events share a context). */
export function appendLinks(events: readonly { readonly metadata: { readonly [key: string]: unknown } }[]): Link[] {
  const links = new Map<string, Link>();
  for (const event of events) {
    const context = eventSpanContext(event);
    if (context) links.set(`${context.traceId}-${context.spanId}`, { context });
  }
  return [...links.values()];
}
