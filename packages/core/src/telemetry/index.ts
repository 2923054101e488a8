/**
 * `@es/core/telemetry`: the hooks an instrumentation implements (see `telemetry.ts`), for
 * packages such as `@es/opentelemetry`. Applications pass one as `createEventStore({ telemetry })`.
 */
export type {
  AppendedSummary,
  AppendOperation,
  BatchTelemetry,
  InstrumentedStore,
  LogReadOperation,
  ObservedConsumer,
  ObservedRelay,
  StoreTelemetry,
  Telemetry,
} from './telemetry.js';
