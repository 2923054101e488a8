/** Table names of one store. A prefix keeps two stores (two modules) apart in one database. */
export interface TableNames {
  readonly streams: string;
  readonly events: string;
  readonly snapshots: string;
  readonly outbox: string;
  readonly checkpoints: string;
  /** MySQL/MariaDB only: the row whose lock orders global positions by commit. */
  readonly logHead: string;
}

/**
 * The store's tables as an ORM's models (`T`: an EntitySchema, a Drizzle table ...), keyed like
 * `TableNames`; the log-head table exists on MySQL/MariaDB only.
 */
export type StoreModels<T> = { readonly [K in Exclude<keyof TableNames, 'logHead'>]: T } & {
  /** MySQL/MariaDB only: the row whose lock orders global positions by commit. */
  readonly logHead?: T;
};

export const DEFAULT_TABLE_PREFIX = 'es_';

const PREFIX_PATTERN = /^[a-z][a-z0-9_]{0,30}$/;

export function tableNames(prefix: string = DEFAULT_TABLE_PREFIX): TableNames {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new Error(`Table prefix ${JSON.stringify(prefix)} must match ${PREFIX_PATTERN} (it is written into SQL)`);
  }
  return {
    streams: `${prefix}streams`,
    events: `${prefix}events`,
    snapshots: `${prefix}snapshots`,
    outbox: `${prefix}outbox`,
    checkpoints: `${prefix}checkpoints`,
    logHead: `${prefix}log_head`,
  };
}
