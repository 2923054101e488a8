// The config module the tests point `es` at, as an application would write it: its store, its
// consumers (with the clear() a rebuild starts with) and its relays, over its own database.
import { defineConfig } from '@es/cli';
import { type Dialect, openApp } from './app.ts';

const { ES_CLI_DIALECT, ES_CLI_DATABASE } = process.env;
if (!ES_CLI_DIALECT || !ES_CLI_DATABASE) throw new Error('set ES_CLI_DIALECT and ES_CLI_DATABASE');
const app = await openApp(ES_CLI_DIALECT as Dialect, ES_CLI_DATABASE);

export default defineConfig({ store: app.store, consumers: app.consumers, relays: app.relays, close: app.close });
