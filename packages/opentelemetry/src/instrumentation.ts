import type { BatchOutcome, EventMetadata, RecordedEvent, StreamKey } from '@es/core';
import type { ConsumerKey } from '@es/core/backend';
import type {
  AppendedSummary,
  AppendOperation,
  BatchTelemetry,
  LogReadOperation,
  ObservedConsumer,
  ObservedRelay,
  StoreTelemetry,
} from '@es/core/telemetry';
import {
  type Attributes,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TimeInput,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { ATTR, errorType, positionValue } from './conventions.js';
import type { StoreMetrics } from './metrics.js';
import { appendLinks, traceMetadata } from './traceContext.js';

/** Wall-clock milliseconds with a sub-millisecond part, as spans take their start time. */
const now = (): number => performance.timeOrigin + performance.now();
const secondsSince = (start: number): number => (now() - start) / 1000;

/** Marks `span` failed with `error` (its `error.type`, the exception event), for the span's end. */
function recordFailure(span: Span, error: unknown): string {
  const type = errorType(error);
  if (span.isRecording()) {
    span.setAttribute(ATTR.errorType, type);
    if (error instanceof Error) span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  return type;
}

const streamAttributes = (stream: StreamKey): Attributes => ({
  [ATTR.tenant]: stream.tenant,
  [ATTR.category]: stream.category,
  [ATTR.streamId]: stream.id,
});

/**
 * The hooks of one store, on OpenTelemetry: appends and reads are database client spans; consumer
 * batches and relay publishes start traces of their own (their loops run detached from any
 * request), linked to the spans of the appends that wrote their events.
 */
export class StoreInstrumentation implements StoreTelemetry {
  private readonly storeAttributes: Attributes;
  private readonly messagingSystem: string;

  constructor(
    private readonly tracer: Tracer,
    private readonly metrics: StoreMetrics,
    settings: { readonly storeAttributes: Attributes; readonly messagingSystem: string },
  ) {
    this.storeAttributes = settings.storeAttributes;
    this.messagingSystem = settings.messagingSystem;
  }

  append<R extends AppendedSummary>(
    append: AppendOperation,
    work: (metadata: EventMetadata | undefined) => Promise<R>,
  ): Promise<R> {
    const { category } = append.stream;
    const attributes = {
      ...this.storeAttributes,
      [ATTR.dbOperationName]: 'append',
      [ATTR.dbCollectionName]: category,
      ...streamAttributes(append.stream),
      [ATTR.eventCount]: append.events,
      [ATTR.expectedVersion]: String(append.expectedVersion),
    };
    return this.tracer.startActiveSpan(`append ${category}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      const start = now();
      const metricAttributes: Attributes = { ...this.storeAttributes, [ATTR.category]: category };
      let outcome = 'appended';
      try {
        const result = await work(traceMetadata(span));
        span.setAttributes({
          [ATTR.streamVersion]: result.nextExpectedVersion,
          [ATTR.position]: positionValue(result.lastPosition),
        });
        this.metrics.eventsAppended.add(append.events, metricAttributes);
        return result;
      } catch (error) {
        const type = recordFailure(span, error);
        outcome = type === 'CONCURRENCY' ? 'conflict' : 'failed';
        metricAttributes[ATTR.errorType] = type;
        throw error;
      } finally {
        span.setAttribute(ATTR.appendOutcome, outcome);
        span.end();
        this.metrics.appendDuration.record(secondsSince(start), { ...metricAttributes, [ATTR.appendOutcome]: outcome });
      }
    });
  }

  readStream<R extends readonly unknown[]>(stream: StreamKey, work: () => Promise<R>): Promise<R> {
    const attributes = {
      ...this.storeAttributes,
      [ATTR.dbOperationName]: 'readStream',
      [ATTR.dbCollectionName]: stream.category,
      ...streamAttributes(stream),
    };
    return this.clientSpan(`readStream ${stream.category}`, attributes, work, (events) => events.length);
  }

  readLog<R extends { readonly events: readonly unknown[] }>(
    read: LogReadOperation,
    work: () => Promise<R>,
  ): Promise<R> {
    const attributes: Attributes = { ...this.storeAttributes, [ATTR.dbOperationName]: 'readAll' };
    if (read.filter.tenant !== undefined) attributes[ATTR.tenant] = read.filter.tenant;
    if (read.filter.categories) attributes[ATTR.category] = [...read.filter.categories];
    attributes[ATTR.position] = positionValue(read.after.position);
    return this.clientSpan('readAll', attributes, work, (page) => page.events.length);
  }

  async consumerBatch(
    consumer: ConsumerKey,
    work: (batch: BatchTelemetry) => Promise<BatchOutcome>,
  ): Promise<BatchOutcome> {
    const start = now();
    let span: Span | undefined;
    const batch: BatchTelemetry = {
      handle: (events, handler) => {
        span = this.startBatchSpan(consumer, events, start);
        return context.with(trace.setSpan(context.active(), span), handler);
      },
    };
    let outcome: BatchOutcome | undefined;
    try {
      outcome = await work(batch);
      span?.setAttribute(ATTR.batchOutcome, outcome.status);
      const position = outcomePosition(outcome);
      if (position !== undefined) span?.setAttribute(ATTR.position, positionValue(position));
      return outcome;
    } catch (error) {
      if (span) recordFailure(span, error);
      throw error;
    } finally {
      if (span) {
        span.end();
        this.metrics.consumerBatchDuration.record(secondsSince(start), {
          ...this.storeAttributes,
          [ATTR.consumerName]: consumer.name,
          [ATTR.batchOutcome]: outcome?.status ?? 'failed',
        });
      }
    }
  }

  relayPublish(event: RecordedEvent, attempt: number, work: () => Promise<void>): Promise<void> {
    const attributes = {
      [ATTR.messagingSystem]: this.messagingSystem,
      [ATTR.messagingOperationType]: 'send',
      [ATTR.messagingOperationName]: 'publish',
      [ATTR.messagingMessageId]: event.id,
      ...streamAttributes(event.stream),
      [ATTR.eventType]: event.type,
      [ATTR.position]: positionValue(event.position),
      [ATTR.attempt]: attempt,
    };
    const options = { kind: SpanKind.PRODUCER, root: true, links: appendLinks([event]), attributes };
    return this.tracer.startActiveSpan('publish', options, async (span) => {
      const start = now();
      const metricAttributes: Attributes = {
        [ATTR.messagingSystem]: this.messagingSystem,
        [ATTR.category]: event.stream.category,
      };
      let outcome = 'published';
      try {
        await work();
      } catch (error) {
        outcome = 'failed';
        metricAttributes[ATTR.errorType] = recordFailure(span, error);
        this.metrics.publishFailures.add(1, metricAttributes);
        throw error;
      } finally {
        span.setAttribute(ATTR.publishOutcome, outcome);
        span.end();
        this.metrics.publishDuration.record(secondsSince(start), {
          ...metricAttributes,
          [ATTR.publishOutcome]: outcome,
        });
      }
    });
  }

  leaseTakenOver(consumer: ConsumerKey, _previousOwner: string): void {
    this.metrics.leaseTakeovers.add(1, {
      ...this.storeAttributes,
      [ATTR.consumerName]: consumer.name,
      [ATTR.tenant]: consumer.tenant,
    });
  }

  observeConsumer(consumer: ObservedConsumer): () => void {
    return this.metrics.observeConsumer(consumer, this.storeAttributes);
  }

  observeRelay(relay: ObservedRelay): () => void {
    return this.metrics.observeRelay(relay, this.storeAttributes);
  }

  /** The span of a batch that read `events`, started when the batch began (its claim). */
  private startBatchSpan(consumer: ConsumerKey, events: readonly RecordedEvent[], startTime: TimeInput): Span {
    return this.tracer.startSpan(`process ${consumer.name}`, {
      kind: SpanKind.CONSUMER,
      root: true,
      startTime,
      links: appendLinks(events),
      attributes: {
        ...this.storeAttributes,
        [ATTR.messagingSystem]: this.messagingSystem,
        [ATTR.messagingOperationType]: 'process',
        [ATTR.messagingOperationName]: 'process',
        [ATTR.messagingConsumerGroup]: consumer.name,
        [ATTR.messagingBatchCount]: events.length,
        [ATTR.consumerName]: consumer.name,
        [ATTR.tenant]: consumer.tenant,
      },
    });
  }

  /** A database client span around `work`, with the rows it returned. */
  private clientSpan<R>(name: string, attributes: Attributes, work: () => Promise<R>, rows: (result: R) => number) {
    return this.tracer.startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      try {
        const result = await work();
        span.setAttribute(ATTR.dbReturnedRows, rows(result));
        return result;
      } catch (error) {
        recordFailure(span, error);
        throw error;
      } finally {
        span.end();
      }
    });
  }
}

/** Where a batch left the consumer (its checkpoint, or the event it parked or halted at). */
function outcomePosition(outcome: BatchOutcome): bigint | undefined {
  if (!('position' in outcome)) return undefined;
  return typeof outcome.position === 'bigint' ? outcome.position : outcome.position.position;
}
