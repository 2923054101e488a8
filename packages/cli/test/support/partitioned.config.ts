// The test application's config with a partitioned consumer beside the others: `shipping`, the
// account events in 4 partitions (the partition tests run its instances themselves).
import { defineConfig } from '@es/cli';
import { type Dialect, openApp, shippingConsumer } from './app.ts';

const { ES_CLI_DIALECT, ES_CLI_DATABASE } = process.env;
if (!ES_CLI_DIALECT || !ES_CLI_DATABASE) throw new Error('set ES_CLI_DIALECT and ES_CLI_DATABASE');
const app = await openApp(ES_CLI_DIALECT as Dialect, ES_CLI_DATABASE);

export default defineConfig({
  store: app.store,
  consumers: [...app.consumers, shippingConsumer(app.store)],
  relays: app.relays,
  close: app.close,
});
