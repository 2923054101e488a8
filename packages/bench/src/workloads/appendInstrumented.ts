import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { singleEventAppends } from './appendSingle.ts';
import type { Workload } from './workload.ts';

/** (1d) (1) on a store given `openTelemetry()` with no SDK registered: what the API's no-ops cost. */
export const appendSingleOtelApi = singleEventAppends(
  'append-single-otel-api',
  '(1) on a store given openTelemetry() with no OpenTelemetry SDK registered',
  'otel-api',
  (system) => system.instrumented?.api,
);

const appendSingleSdk = singleEventAppends(
  'append-single-otel-sdk',
  '(1) with the OpenTelemetry SDK recording every span and metric (in-memory exporters)',
  'otel-sdk',
  (system) => system.instrumented?.sdk,
);

/**
 * (1e) (1) with the SDK recording: its async-hooks context manager registered for this workload
 * only, as the SDK's Node setup registers it, so every other workload (the API-only one too) runs
 * without one.
 */
export const appendSingleOtelSdk: Workload = {
  ...appendSingleSdk,
  async run(system, sizes) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    try {
      return await appendSingleSdk.run(system, sizes);
    } finally {
      context.disable();
    }
  },
};
