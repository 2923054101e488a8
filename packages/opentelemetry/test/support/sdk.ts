import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  type DataPoint,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

/**
 * The real OpenTelemetry SDK's tracing with its in-memory exporter, as an application sets it up
 * (an async-hooks context manager and a tracer provider), the provider passed to `openTelemetry()`
 * rather than registered globally.
 */
export class TestTracing {
  readonly spans = new InMemorySpanExporter();
  readonly tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: this.spans })] });

  constructor() {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  }

  finishedSpans(): ReadableSpan[] {
    return this.spans.getFinishedSpans();
  }

  /** The spans named `name`, in the order they ended. */
  spansNamed(name: string): ReadableSpan[] {
    return this.finishedSpans().filter((span) => span.name === name);
  }

  async shutdown(): Promise<void> {
    await this.tracerProvider.shutdown();
    context.disable();
  }
}

/** The SDK's metrics with its in-memory exporter, collected when a test asks, never on a timer. */
export class TestMetrics {
  private readonly exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  private readonly reader = new PeriodicExportingMetricReader({
    exporter: this.exporter,
    exportIntervalMillis: 3_600_000,
  });
  readonly meterProvider = new MeterProvider({ readers: [this.reader] });

  /** Collects every instrument now (observable gauges call their callbacks) and returns the metric `name`. */
  async metric(name: string): Promise<MetricData | undefined> {
    this.exporter.reset();
    await this.reader.forceFlush();
    const collected = this.exporter.getMetrics().at(-1);
    return collected?.scopeMetrics.flatMap((scope) => scope.metrics).find((metric) => metric.descriptor.name === name);
  }

  /** The data points of metric `name`, each with its attributes and value. */
  async points(name: string): Promise<DataPoint<unknown>[]> {
    return ((await this.metric(name))?.dataPoints ?? []) as DataPoint<unknown>[];
  }

  shutdown(): Promise<void> {
    return this.meterProvider.shutdown();
  }
}
