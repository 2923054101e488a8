import type { AnyEventDefinition } from '@es/core';
import type { Application } from './operator/application.js';
import type { PersonalDataView } from './routes/eventJson.js';

export interface EventBrowserOptions<TEvents extends AnyEventDefinition = AnyEventDefinition, THandle = unknown>
  extends Application<TEvents, THandle> {
  /**
   * Allow the page's actions: retry and purge dead outbox rows, rebuild a consumer. Off by
   * default: the page shows no buttons and the action endpoints answer 403 ACTIONS_DISABLED.
   */
  readonly actions?: boolean;
  /**
   * Every request must carry this token: `Authorization: Bearer <token>`, or the HttpOnly cookie
   * a page load with `?token=<token>` sets. Required by `serveEventBrowser` off loopback.
   */
  readonly token?: string;
  /**
   * The path the browser is served under, when the server hands the handler the full URL
   * (Fastify, node:http). Express's `app.use(path, handler)` strips its path itself: leave it out.
   */
  readonly basePath?: string;
  /** How often consumers' lag is sampled for the page's chart (default every 5 s), and for how long it is kept (10 min). */
  readonly lagSampling?: { readonly everyMs?: number; readonly keepMs?: number };
  /**
   * Personal fields (declared with `personal(...)`): 'masked' (the default) sends `[personal]` in
   * place of their values, so the page never holds them; 'visible' shows them as the store reads
   * them. Fields whose subject was forgotten are marked erased either way.
   */
  readonly personalData?: PersonalDataView;
  /** Failures of background work (lag sampling, a rebuild after it was answered). Default: console.error. */
  readonly onError?: (error: unknown) => void;
}
