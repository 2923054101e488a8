// `@es/opentelemetry`: traces and metrics of an @es store on OpenTelemetry's API.

export { METRIC } from './metrics.js';
export { INSTRUMENTATION_NAME, type OpenTelemetryOptions, openTelemetry } from './openTelemetry.js';
export { eventSpanContext, TRACEPARENT } from './traceContext.js';
