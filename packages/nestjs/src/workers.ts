import {
  type AnyEventDefinition,
  type Consumer,
  createConsumer,
  createOutboxRelay,
  type EventStore,
  InvalidArgumentError,
  type OutboxRelay,
} from '@es/core';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { EsModuleOptions } from './options.js';
import { ES_MODULE_OPTIONS, EVENT_STORE } from './tokens.js';

type AnyStore = EventStore<AnyEventDefinition, unknown>;

/**
 * The consumers and outbox relays `EsModule` runs: made with the module (a malformed consumer
 * fails the application's start), started once every module is initialized, and stopped when the
 * application closes, before any module's later shutdown hooks close the ORM's connections: a
 * consumer's batch in flight ends and its lease is given up, a relay's batch in flight ends.
 */
@Injectable()
export class EsWorkers implements OnApplicationBootstrap, OnModuleDestroy {
  readonly consumers: readonly Consumer<AnyEventDefinition, unknown>[];
  readonly relays: readonly OutboxRelay<AnyEventDefinition, unknown>[];

  constructor(
    @Inject(EVENT_STORE) store: AnyStore,
    @Inject(ES_MODULE_OPTIONS) options: EsModuleOptions<AnyEventDefinition, unknown>,
  ) {
    this.consumers = (options.consumers ?? []).map((consumer) => createConsumer(store, consumer));
    const names = this.consumers.map((consumer) => consumer.name);
    const repeated = names.find((name, index) => names.indexOf(name) !== index);
    if (repeated !== undefined) throw new InvalidArgumentError(`Two consumers are named ${JSON.stringify(repeated)}`);
    this.relays = (options.outboxRelays ?? []).map((relay) => createOutboxRelay(store, relay));
  }

  /** The consumer of that name (to await `whenCaughtUp()`, read `status()`, `rebuild()` ...). */
  consumer(name: string): Consumer<AnyEventDefinition, unknown> {
    const consumer = this.consumers.find((candidate) => candidate.name === name);
    if (!consumer) throw new InvalidArgumentError(`EsModule runs no consumer named ${JSON.stringify(name)}`);
    return consumer;
  }

  onApplicationBootstrap(): void {
    for (const worker of [...this.consumers, ...this.relays]) worker.start();
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.consumers, ...this.relays].map((worker) => worker.stop()));
  }
}
