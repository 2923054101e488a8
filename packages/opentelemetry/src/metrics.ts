import type { ObservedConsumer, ObservedRelay } from '@es/core/telemetry';
import type { Attributes, BatchObservableResult, Counter, Histogram, Meter, ObservableGauge } from '@opentelemetry/api';
import { ATTR } from './conventions.js';

/** Buckets of the duration histograms, in seconds (OpenTelemetry's advice for database calls). */
const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];

/** The metrics' names, as a dashboard queries them. */
export const METRIC = {
  appendDuration: 'es.append.duration',
  eventsAppended: 'es.events.appended',
  consumerBatchDuration: 'es.consumer.batch.duration',
  consumerLag: 'es.consumer.lag',
  consumerTimeLag: 'es.consumer.time_lag',
  leaseTakeovers: 'es.consumer.lease.takeovers',
  oldestTransactionAge: 'es.log.oldest_transaction.age',
  outboxPending: 'es.outbox.pending',
  outboxDead: 'es.outbox.dead',
  publishDuration: 'es.outbox.publish.duration',
  publishFailures: 'es.outbox.publish.failures',
} as const;

/** A consumer or relay while it runs, with the attributes of its store. */
interface Observed<T> {
  readonly target: T;
  readonly storeAttributes: Attributes;
}

const seconds = (ms: number) => ms / 1000;

/**
 * The instruments of one `openTelemetry()`: recorded by the hooks as operations end, and observed
 * (consumer lag, the held-back log, the outbox) from the consumers and relays running when the
 * SDK collects.
 */
export class StoreMetrics {
  readonly appendDuration: Histogram;
  readonly eventsAppended: Counter;
  readonly consumerBatchDuration: Histogram;
  readonly leaseTakeovers: Counter;
  readonly publishDuration: Histogram;
  readonly publishFailures: Counter;
  private readonly consumers = new Set<Observed<ObservedConsumer>>();
  private readonly relays = new Set<Observed<ObservedRelay>>();

  constructor(meter: Meter) {
    const duration = (name: string, description: string) =>
      meter.createHistogram(name, { description, unit: 's', advice: { explicitBucketBoundaries: DURATION_BUCKETS } });
    this.appendDuration = duration(METRIC.appendDuration, 'Duration of appends, from their checks to their commit.');
    this.eventsAppended = meter.createCounter(METRIC.eventsAppended, {
      description: 'Events appended (committed by their own transaction, or handed to the joined one).',
      unit: '{event}',
    });
    this.consumerBatchDuration = duration(
      METRIC.consumerBatchDuration,
      'Duration of consumer batches that handled events, from their claim to their commit.',
    );
    this.leaseTakeovers = meter.createCounter(METRIC.leaseTakeovers, {
      description: 'Consumer leases taken over from another instance whose lease had run out.',
      unit: '{takeover}',
    });
    this.publishDuration = duration(METRIC.publishDuration, "Duration of outbox relays' publishes of one event.");
    this.publishFailures = meter.createCounter(METRIC.publishFailures, {
      description: 'Outbox publishes that failed (the row is retried later, or parked as dead).',
      unit: '{failure}',
    });
    const gauge = (name: string, description: string, unit: string) =>
      meter.createObservableGauge(name, { description, unit });
    const consumerGauges = {
      lag: gauge(METRIC.consumerLag, 'Committed events a running consumer has yet to handle.', '{event}'),
      timeLag: gauge(
        METRIC.consumerTimeLag,
        'Age of the oldest event a running consumer has yet to handle (0 when caught up).',
        's',
      ),
      oldestTransaction: gauge(
        METRIC.oldestTransactionAge,
        'PostgreSQL: age of the oldest open writing transaction, which holds every log reader back (0: none).',
        's',
      ),
    };
    const outboxGauges = {
      pending: gauge(METRIC.outboxPending, 'Outbox rows waiting to be published.', '{row}'),
      dead: gauge(METRIC.outboxDead, 'Outbox rows parked as dead after their last attempt.', '{row}'),
    };
    meter.addBatchObservableCallback(
      (result) => this.observeConsumers(result, consumerGauges),
      Object.values(consumerGauges),
    );
    meter.addBatchObservableCallback((result) => this.observeRelays(result, outboxGauges), Object.values(outboxGauges));
  }

  /** Observes `consumer` until the returned function is called. */
  observeConsumer(target: ObservedConsumer, storeAttributes: Attributes): () => void {
    const observed = { target, storeAttributes };
    this.consumers.add(observed);
    return () => this.consumers.delete(observed);
  }

  /** Observes `relay` until the returned function is called. */
  observeRelay(target: ObservedRelay, storeAttributes: Attributes): () => void {
    const observed = { target, storeAttributes };
    this.relays.add(observed);
    return () => this.relays.delete(observed);
  }

  private async observeConsumers(
    result: BatchObservableResult,
    gauges: { lag: ObservableGauge; timeLag: ObservableGauge; oldestTransaction: ObservableGauge },
  ): Promise<void> {
    // The oldest open transaction is the server's, not a consumer's: observed once per database system.
    const oldestBySystem = new Map<unknown, { attributes: Attributes; ageMs: number }>();
    await Promise.all(
      [...this.consumers].map(async ({ target, storeAttributes }) => {
        const status = await target.status();
        const attributes = {
          ...storeAttributes,
          [ATTR.consumerName]: target.key.name,
          [ATTR.tenant]: target.key.tenant,
        };
        result.observe(gauges.lag, status.lag, attributes);
        const oldest = status.oldestUnhandledAt;
        result.observe(gauges.timeLag, oldest ? seconds(Math.max(0, Date.now() - oldest.getTime())) : 0, attributes);
        if (storeAttributes[ATTR.dbSystemName] !== 'postgresql') return;
        const system = storeAttributes[ATTR.dbSystemName];
        const ageMs = status.oldestOpenTransaction?.ageMs ?? 0;
        const known = oldestBySystem.get(system);
        if (!known || ageMs > known.ageMs) oldestBySystem.set(system, { attributes: storeAttributes, ageMs });
      }),
    );
    for (const { attributes, ageMs } of oldestBySystem.values()) {
      result.observe(gauges.oldestTransaction, seconds(ageMs), attributes);
    }
  }

  private async observeRelays(
    result: BatchObservableResult,
    gauges: { pending: ObservableGauge; dead: ObservableGauge },
  ): Promise<void> {
    await Promise.all(
      [...this.relays].map(async ({ target, storeAttributes }) => {
        const counts = await target.status();
        const attributes =
          target.tenant === undefined ? storeAttributes : { ...storeAttributes, [ATTR.tenant]: target.tenant };
        result.observe(gauges.pending, counts.pending, attributes);
        result.observe(gauges.dead, counts.dead, attributes);
      }),
    );
  }
}
