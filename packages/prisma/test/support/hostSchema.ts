/**
 * The test host's own schema file: generator, datasource and one model of its own (HostRow), as
 * an application would have next to the file configureModels writes.
 *
 * No relative imports here: scripts/generate-test-clients.ts loads this file with Node's type
 * stripping, before the package is compiled.
 */
import type { PrismaProvider } from '../models/index.js';

/** The test host's table: `<prefix>host_rows`, id varchar(200) primary key. */
export const HOST_TABLE = 'es_host_rows';

export function hostSchema(provider: PrismaProvider): string {
  const id = provider === 'sqlite' ? 'String @id' : 'String @id @db.VarChar(200)';
  return `generator client {
  provider     = "prisma-client"
  output       = "../client"
  moduleFormat = "esm"
}

datasource db {
  provider = "${provider}"
}

/// A row of the host application's own, written in the same transactions as the events.
model HostRow {
  id ${id}

  @@map("${HOST_TABLE}")
}
`;
}
