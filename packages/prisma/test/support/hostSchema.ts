/**
 * The test host's own schema file: generator, datasource and one model of its own (HostRow), as
 * an application would have next to the file configureModels writes.
 *
 * scripts/generate-test-clients.ts loads this file with Node's type stripping; the clients import
 * their own files with `.ts` extensions, so that the conformance kit's child processes (type
 * stripping too) can load them uncompiled.
 */
import type { PrismaProvider } from '@es/prisma';

/** The test host's table: `<prefix>host_rows`, id varchar(200) primary key. */
export const HOST_TABLE = 'es_host_rows';

export function hostSchema(provider: PrismaProvider): string {
  const id = provider === 'sqlite' ? 'String @id' : 'String @id @db.VarChar(200)';
  return `generator client {
  provider     = "prisma-client"
  output              = "../client"
  moduleFormat        = "esm"
  importFileExtension = "ts"
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
