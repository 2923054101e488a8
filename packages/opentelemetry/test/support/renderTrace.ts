import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

const idOf = (span: ReadableSpan) => `${span.spanContext().traceId}-${span.spanContext().spanId}`;
const milliseconds = (span: ReadableSpan) => span.duration[0] * 1e3 + span.duration[1] / 1e6;

/**
 * Finished spans as a tree per trace, in the order their traces began: each span's name, kind and
 * the `attributes` asked for, and the spans it links to (named, with the trace they are in);
 * `durations` adds each span's duration, which changes from run to run.
 */
export function renderTrace(
  spans: readonly ReadableSpan[],
  options: { attributes: readonly string[]; durations?: boolean },
): string[] {
  const byId = new Map(spans.map((span) => [idOf(span), span]));
  const traces = [...new Set([...spans].sort(byStart).map((span) => span.spanContext().traceId))];
  const children = (parent: ReadableSpan) =>
    spans.filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId).sort(byStart);
  const lines: string[] = [];
  const render = (span: ReadableSpan, depth: number) => {
    const indent = depth === 0 ? '' : `${'   '.repeat(depth - 1)}└─ `;
    const attributes = options.attributes
      .filter((key) => span.attributes[key] !== undefined)
      .map((key) => `${key}=${String(span.attributes[key])}`);
    const links = span.links.map((link) => {
      const linked = byId.get(`${link.context.traceId}-${link.context.spanId}`);
      return `${linked?.name ?? 'unknown span'} (trace ${traces.indexOf(link.context.traceId) + 1})`;
    });
    const duration = options.durations ? ` ${milliseconds(span).toFixed(1)} ms` : '';
    lines.push(
      [
        `${indent}${span.name} [${SpanKind[span.kind]}]${duration}`,
        ...attributes,
        ...(links.length > 0 ? [`links: ${links.join(', ')}`] : []),
      ].join('  '),
    );
    for (const child of children(span)) render(child, depth + 1);
  };
  traces.forEach((traceId, index) => {
    lines.push(`trace ${index + 1}`);
    const inTrace = spans.filter((span) => span.spanContext().traceId === traceId);
    for (const root of inTrace.filter((span) => !span.parentSpanContext).sort(byStart)) render(root, 0);
  });
  return lines;
}

function byStart(a: ReadableSpan, b: ReadableSpan): number {
  return a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1];
}
