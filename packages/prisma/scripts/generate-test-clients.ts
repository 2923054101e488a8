/**
 * Generates the test hosts' Prisma clients (one per provider) into test/support/generated/, the
 * way an application does: its own schema file plus the store's models in one schema folder,
 * then `prisma generate`. Skips a provider whose schema has not changed since the last run.
 *
 * Test support only: `typecheck` and the jest setup run it; `build` does not, and the package's
 * tarball (`files`: dist, models) never holds the clients.
 *
 * The Prisma CLI would download its native schema engine, which `generate` does not use:
 * PRISMA_SCHEMA_ENGINE_BINARY points it at /bin/false instead.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { prismaModels, prismaProviders } from '../src/models/index.ts';
import { hostSchema } from '../test/support/hostSchema.ts';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, '..');
const generated = join(root, 'test/support/generated');
const prismaCli = join(dirname(require.resolve('prisma/package.json')), 'build/index.js');
const prismaVersion = JSON.parse(readFileSync(require.resolve('prisma/package.json'), 'utf8')).version as string;

for (const provider of prismaProviders) {
  const dir = join(generated, provider);
  const files = { 'host.prisma': hostSchema(provider), 'es_models.prisma': prismaModels(provider) };
  const stamp = createHash('sha256')
    .update(JSON.stringify([prismaVersion, files]))
    .digest('hex');
  const stampFile = join(dir, 'stamp');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) continue;

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'schema'), { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, 'schema', name), content);
  execFileSync(process.execPath, [prismaCli, 'generate', '--schema', join(dir, 'schema')], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
  });
  writeFileSync(stampFile, stamp);
  console.log(`generated the ${provider} test client`);
}
