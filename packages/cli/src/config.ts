import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyEventDefinition, Consumer, EventStore, OutboxRelay, ProjectionContext } from '@es/core';
import { CliError, ExitCode } from './exitCodes.js';
import type { EsConfig } from './index.js';

type AnyStore = EventStore<AnyEventDefinition, unknown>;
type AnyConsumer = Consumer<AnyEventDefinition, unknown>;
type AnyRelay = OutboxRelay<AnyEventDefinition, unknown>;

/** The config module's exports, checked and in one shape. */
export interface LoadedConfig {
  /** As the user would name it: relative to the working directory. */
  readonly path: string;
  readonly store: AnyStore;
  readonly consumers: readonly {
    readonly consumer: AnyConsumer;
    readonly clear?: (context: ProjectionContext<AnyEventDefinition, unknown>) => Promise<void>;
  }[];
  readonly relays: readonly AnyRelay[];
  close(): Promise<void>;
}

/** Looked for in the working directory, in this order, when `--config` is not given. */
export const DEFAULT_CONFIG_FILES = ['es.config.ts', 'es.config.mts', 'es.config.js', 'es.config.mjs'];

const configError = (message: string) => new CliError(message, ExitCode.config, 'CONFIG');

function locate(given: string | undefined): string {
  if (given !== undefined) {
    const path = resolve(given);
    if (!existsSync(path)) throw configError(`config module ${given} not found`);
    return path;
  }
  const found = DEFAULT_CONFIG_FILES.map((name) => resolve(name)).find((path) => existsSync(path));
  if (!found) {
    throw configError(
      `no ${DEFAULT_CONFIG_FILES[0]} in ${process.cwd()}: write one exporting your store (see es --help), or pass --config <path>`,
    );
  }
  return found;
}

const hasMethods = (value: unknown, ...names: string[]): boolean =>
  typeof value === 'object' && value !== null && names.every((name) => typeof Reflect.get(value, name) === 'function');

/**
 * Imports the application's config module (a `.ts` one runs as it is: Node strips its types) and
 * checks what it exports. Duck-typed, not `instanceof`: the module brings its own `@es/core`.
 */
export async function loadConfig(given: string | undefined): Promise<LoadedConfig> {
  const absolute = locate(given);
  const path = relative(process.cwd(), absolute) || absolute;
  let module: Record<string, unknown>;
  try {
    module = await import(pathToFileURL(absolute).href);
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
    throw configError(`cannot load ${path}: ${reason}`);
  }
  const exported = module.default ?? module;
  let config: EsConfig;
  try {
    config = (typeof exported === 'function' ? await exported() : exported) as EsConfig;
  } catch (error) {
    throw configError(`${path}: its config function failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!hasMethods(config?.store, 'readAll', 'readStream', 'listStreams', 'forTenant')) {
    throw configError(`${path} exports no store: export default defineConfig({ store, consumers, relays })`);
  }
  const consumers = (config.consumers ?? []).map((entry, index) => {
    const normalized = 'consumer' in entry ? entry : { consumer: entry };
    if (!hasMethods(normalized.consumer, 'status', 'rebuild', 'reset', 'catchUp')) {
      throw configError(`${path}: consumers[${index}] is neither a consumer nor { consumer, clear }`);
    }
    return normalized as LoadedConfig['consumers'][number];
  });
  const relays = (config.relays ?? []) as readonly AnyRelay[];
  relays.forEach((relay, index) => {
    if (!hasMethods(relay, 'status') || !hasMethods(relay.dead, 'list', 'retry', 'purge')) {
      throw configError(`${path}: relays[${index}] is not an outbox relay`);
    }
  });
  return {
    path,
    store: config.store as AnyStore,
    consumers,
    relays,
    close: async () => {
      await config.close?.();
    },
  };
}
