import type { Telemetry } from '@es/core';
import type { InstrumentedStore, StoreTelemetry } from '@es/core/telemetry';
import { type MeterProvider, metrics, type TracerProvider, trace } from '@opentelemetry/api';
import { ATTR, dbSystemName } from './conventions.js';
import { StoreInstrumentation } from './instrumentation.js';
import { StoreMetrics } from './metrics.js';

/** The instrumentation scope spans and metrics are recorded under. */
export const INSTRUMENTATION_NAME = '@es/opentelemetry';
const INSTRUMENTATION_VERSION = '0.1.0';

/** Options of `openTelemetry()`. */
export interface OpenTelemetryOptions {
  /** Where spans go (default: the global tracer provider, which the application's SDK registers). */
  readonly tracerProvider?: TracerProvider;
  /** Where metrics go (default: the global meter provider). */
  readonly meterProvider?: MeterProvider;
  /**
   * `messaging.system` of outbox publish spans, the broker the relay's publisher sends to
   * (`rabbitmq`, `nats` ...); default `es`, as consumer batches, which read the store's own log.
   */
  readonly messagingSystem?: string;
}

/**
 * OpenTelemetry for a store: `createEventStore({ ..., telemetry: openTelemetry() })`. Its consumers
 * and relays are instrumented with it. Uses `@opentelemetry/api` only: with no SDK registered
 * every span and instrument is the API's no-op, and no trace context is stored with events.
 */
export function openTelemetry(options: OpenTelemetryOptions = {}): Telemetry {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(
    INSTRUMENTATION_NAME,
    INSTRUMENTATION_VERSION,
  );
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(
    INSTRUMENTATION_NAME,
    INSTRUMENTATION_VERSION,
  );
  const storeMetrics = new StoreMetrics(meter);
  const messagingSystem = options.messagingSystem ?? 'es';
  return {
    instrument(store: InstrumentedStore): StoreTelemetry {
      const storeAttributes = { [ATTR.dbSystemName]: dbSystemName(store.backend.dialect) };
      return new StoreInstrumentation(tracer, storeMetrics, { storeAttributes, messagingSystem });
    },
  };
}
