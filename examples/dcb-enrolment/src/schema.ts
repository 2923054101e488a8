import { configureModels } from '@es/drizzle/postgresql';

// The event store's tables, the tags table among them, in the app's schema: drizzle-kit migrates them.
export const { esStreams, esEvents, esSnapshots, esOutbox, esCheckpoints, esParked, esTags, esDataKeys } =
  configureModels('postgresql', { tablePrefix: 'enrol_es_' });
