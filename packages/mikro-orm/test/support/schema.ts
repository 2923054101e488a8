import type { MikroORM } from '@mikro-orm/core';

/**
 * Drops and creates the ORM's tables with MikroORM's own SchemaGenerator, from the entities in its
 * config (the store's, as configureModels adds them, and the host's): no hand-written DDL.
 */
export async function recreateTables(orm: MikroORM): Promise<void> {
  await orm.schema.drop();
  await orm.schema.create();
}
