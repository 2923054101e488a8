// `@es/ui`: the event browser, a page over an @es store's streams, log, consumers and outbox,
// served by one Node request handler. The page itself is built from src/client into dist/client.
export type * from '../api/contract.js';
export { createEventBrowser, type EventBrowser, type EventBrowserHandler } from './handler.js';
export type { Application, ConsumerEntry } from './operator/application.js';
export type { EventBrowserOptions } from './options.js';
export { PERSONAL_MASK, type PersonalDataView } from './routes/eventJson.js';
export { isLoopback, type ServedEventBrowser, type ServeOptions, serveEventBrowser } from './serve.js';
