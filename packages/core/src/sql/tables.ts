import { CONSUMER_NAME_MAX_LENGTH } from '../consumers/consumer.js';
import { TAG_MAX_LENGTH } from '../dcb/tags.js';
import { InvalidArgumentError } from '../errors/index.js';
import { EVENT_TYPE_MAX_LENGTH } from '../events/defineEvent.js';
import { KEY_ALGORITHM_MAX_LENGTH, MASTER_KEY_ID_MAX_LENGTH, SUBJECT_MAX_LENGTH } from '../personal/limits.js';
import { DEFAULT_TENANT, STREAM_LIMITS } from '../streams/stream.js';
import { OWNER_MAX_LENGTH } from '../util/owner.js';

/** Table names of one store. A prefix keeps two stores (two modules) apart in one database. */
export interface TableNames {
  readonly streams: string;
  readonly events: string;
  readonly snapshots: string;
  readonly outbox: string;
  readonly checkpoints: string;
  /** Events consumers set aside (their failure policy's `park` or `halt`), with the error. */
  readonly parked: string;
  /**
   * One row per tag of an event (dynamic consistency boundaries): the event's log position, its
   * tenant, the tag and the event's type, indexed so a query by tags reads in log order.
   */
  readonly tags: string;
  /**
   * Personal data (crypto-shredding): one row per data key of a subject in a tenant, wrapped by a
   * master key; forgetting the subject deletes its rows.
   */
  readonly dataKeys: string;
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

/**
 * MySQL/MariaDB: the character set and collation of every name column (tenant, category, stream
 * id, type, consumer, owners). Their default collations fold case and accents, so `acc-A` and
 * `acc-a` would be one stream there and two on PostgreSQL and SQLite; a binary collation compares
 * as those do. (It pads trailing spaces, which names cannot end with.)
 */
export const MYSQL_NAME_CHARSET = 'utf8mb4';
export const MYSQL_NAME_COLLATION = 'utf8mb4_bin';

/** A name column of the store's tables, as every package's MySQL models define it. */
export interface NameColumn {
  readonly table: string;
  readonly column: string;
  readonly length: number;
  readonly nullable: boolean;
  readonly defaultValue?: string;
}

export function nameColumns(names: TableNames): NameColumn[] {
  const required = (table: string, column: string, length: number): NameColumn => ({
    table,
    column,
    length,
    nullable: false,
  });
  const streamKey = (table: string) => [
    required(table, 'tenant_id', STREAM_LIMITS.tenant),
    required(table, 'category', STREAM_LIMITS.category),
    required(table, 'stream_id', STREAM_LIMITS.id),
  ];
  return [
    ...streamKey(names.streams),
    ...streamKey(names.events),
    required(names.events, 'type', EVENT_TYPE_MAX_LENGTH),
    ...streamKey(names.snapshots),
    ...streamKey(names.outbox),
    { ...required(names.outbox, 'status', 16), defaultValue: 'pending' },
    { table: names.outbox, column: 'claimed_by', length: OWNER_MAX_LENGTH, nullable: true },
    // Keeps the default the models give it (rows from before checkpoints had a tenant are its).
    { ...required(names.checkpoints, 'tenant_id', STREAM_LIMITS.tenant), defaultValue: DEFAULT_TENANT },
    required(names.checkpoints, 'consumer', CONSUMER_NAME_MAX_LENGTH),
    { table: names.checkpoints, column: 'lease_owner', length: OWNER_MAX_LENGTH, nullable: true },
    required(names.parked, 'tenant_id', STREAM_LIMITS.tenant),
    required(names.parked, 'consumer', CONSUMER_NAME_MAX_LENGTH),
    required(names.parked, 'status', 16),
    required(names.tags, 'tenant_id', STREAM_LIMITS.tenant),
    required(names.tags, 'tag', TAG_MAX_LENGTH),
    required(names.tags, 'type', EVENT_TYPE_MAX_LENGTH),
    required(names.dataKeys, 'tenant_id', STREAM_LIMITS.tenant),
    required(names.dataKeys, 'subject', SUBJECT_MAX_LENGTH),
    required(names.dataKeys, 'algorithm', KEY_ALGORITHM_MAX_LENGTH),
    required(names.dataKeys, 'master_key_id', MASTER_KEY_ID_MAX_LENGTH),
  ];
}

/**
 * MySQL/MariaDB: the statements that give tables created without it the name collation, for an
 * ORM whose models cannot say it (Prisma) or tables made before it was set.
 */
export function mysqlNameCollationStatements(names: TableNames): string[] {
  const byTable = new Map<string, NameColumn[]>();
  for (const column of nameColumns(names)) byTable.set(column.table, [...(byTable.get(column.table) ?? []), column]);
  return [...byTable].map(([table, columns]) => {
    const modify = columns.map(
      ({ column, length, nullable, defaultValue }) =>
        `MODIFY \`${column}\` VARCHAR(${length}) CHARACTER SET ${MYSQL_NAME_CHARSET} COLLATE ${MYSQL_NAME_COLLATION} ${nullable ? 'NULL' : 'NOT NULL'}${defaultValue === undefined ? '' : ` DEFAULT '${defaultValue}'`}`,
    );
    return `ALTER TABLE \`${table}\` ${modify.join(', ')}`;
  });
}

const PREFIX_PATTERN = /^[a-z][a-z0-9_]{0,30}$/;

export function tableNames(prefix: string = DEFAULT_TABLE_PREFIX): TableNames {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new InvalidArgumentError(
      `Table prefix ${JSON.stringify(prefix)} must match ${PREFIX_PATTERN} (it is written into SQL)`,
    );
  }
  return {
    streams: `${prefix}streams`,
    events: `${prefix}events`,
    snapshots: `${prefix}snapshots`,
    outbox: `${prefix}outbox`,
    checkpoints: `${prefix}checkpoints`,
    parked: `${prefix}parked`,
    tags: `${prefix}event_tags`,
    dataKeys: `${prefix}data_keys`,
    logHead: `${prefix}log_head`,
  };
}
