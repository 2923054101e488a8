import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '@es/core';
import { describe, expect, it } from '@jest/globals';
import { Deposited } from './support/app.ts';
import { CONFIG, es, esJson, startEs } from './support/cli.ts';
import { DIALECTS } from './support/databases.ts';
import { seededScenario } from './support/scenario.ts';

interface EventJson {
  id: string;
  type: string;
  stream: { tenant: string; category: string; id: string };
  version: number;
  position: string;
  data: unknown;
  metadata: unknown;
}

const ndjson = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as EventJson);

describe.each(DIALECTS)('es streams, stream and log on %s', (dialect) => {
  const scenario = seededScenario(dialect);

  it('lists streams by tenant and category with their versions, a page at a time', async () => {
    const all = await es(scenario.target, ['streams']);
    expect(all).toMatchObject({ code: 0, stderr: '' });
    expect(all.stdout.split('\n').map((line) => line.split(/\s+/).join(' '))).toEqual([
      'TENANT CATEGORY ID VERSION',
      'acme account a-9 1',
      'default account a-1 2',
      'default account a-2 1',
      'default payment p-1 1',
      'default payment p-2 1',
      '',
    ]);
    const payments = await esJson<{ streams: unknown[]; next: string | null }>(scenario.target, [
      'streams',
      '--tenant',
      'default',
      '--category',
      'payment',
    ]);
    expect(payments).toEqual({
      streams: [
        { stream: { tenant: 'default', category: 'payment', id: 'p-1' }, version: 1, updatedAt: expect.any(String) },
        { stream: { tenant: 'default', category: 'payment', id: 'p-2' }, version: 1, updatedAt: expect.any(String) },
      ],
      next: null,
    });
    const first = await es(scenario.target, ['streams', '--limit', '2']);
    expect(first.stderr).toBe('more streams: es streams --after default/account/a-1\n');
    const second = await esJson<{ streams: unknown[]; next: string | null }>(scenario.target, [
      'streams',
      '--limit',
      '2',
      '--after',
      'default/account/a-1',
    ]);
    expect(second.streams).toEqual([
      { stream: { tenant: 'default', category: 'account', id: 'a-2' }, version: 1, updatedAt: expect.any(String) },
      { stream: { tenant: 'default', category: 'payment', id: 'p-1' }, version: 1, updatedAt: expect.any(String) },
    ]);
    expect(second.next).toBe('default/payment/p-1');
  });

  it("shows a stream's events with their data and metadata, pretty-printed or as JSON", async () => {
    const run = await es(scenario.target, ['stream', 'account/a-1']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const [opened, deposited] = scenario.recorded;
    expect(run.stdout).toContain('default/account/a-1: version 2, 2 events shown');
    expect(run.stdout).toContain(
      `#1 AccountOpened  position ${opened?.position}  ${opened?.recordedAt.toISOString()}  id ${opened?.id}`,
    );
    // Revived values shown as themselves (a date, a set, a bigint); PostgreSQL's jsonb keeps keys in an order of its own.
    const lines = run.stdout.split('\n');
    const [openedData, depositedData] = lines.filter((line) => line.startsWith('  data      { '));
    for (const part of ["owner: 'Ada'", 'openedAt: 2024-05-01T10:00:00.000Z', "tags: Set(1) { 'vip' }"])
      expect(openedData).toContain(part);
    expect(run.stdout).toContain(`#2 Deposited  position ${deposited?.position}`);
    for (const part of ['amount: 100', 'cents: 12n']) expect(depositedData).toContain(part);
    expect(lines.filter((line) => line === "  metadata  { correlationId: 'req-1' }")).toHaveLength(2);

    const json = await esJson<{ stream: unknown; version: number; events: EventJson[] }>(scenario.target, [
      'stream',
      'account/a-1',
    ]);
    expect(json.stream).toEqual({ tenant: 'default', category: 'account', id: 'a-1' });
    expect(json.version).toBe(2);
    expect(
      json.events.map(({ id, type, version, position, data, metadata }) => ({
        id,
        type,
        version,
        position,
        data,
        metadata,
      })),
    ).toEqual([
      {
        id: opened?.id,
        type: 'AccountOpened',
        version: 1,
        position: String(opened?.position),
        data: { owner: 'Ada', openedAt: '2024-05-01T10:00:00.000Z', tags: ['vip'] },
        metadata: { correlationId: 'req-1' },
      },
      {
        id: deposited?.id,
        type: 'Deposited',
        version: 2,
        position: String(deposited?.position),
        data: { amount: 100, cents: '12' },
        metadata: { correlationId: 'req-1' },
      },
    ]);
    const other = await esJson<{ events: EventJson[] }>(scenario.target, ['stream', 'account/a-9', '--tenant', 'acme']);
    expect(other.events.map((event) => event.type)).toEqual(['Deposited']);
  });

  it('says a stream that has no events is not found (exit code 4), and a malformed name is wrong usage (2)', async () => {
    const missing = await es(scenario.target, ['stream', 'account/nobody']);
    expect(missing).toMatchObject({ code: 4, stdout: '', stderr: 'es: stream default/account/nobody has no events\n' });
    const malformed = await es(scenario.target, ['stream', 'account']);
    expect(malformed).toMatchObject({ code: 2, stderr: 'es: a stream is category/id; got "account"\n' });
    const invalid = await es(scenario.target, ['stream', '9lives/x']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/^es: INVALID_STREAM: Invalid stream category "9lives": .*\n$/);
  });

  it('prints the global log in order, every tenant, by category and after a position, one JSON line per event', async () => {
    const log = ndjson((await es(scenario.target, ['log', '--json'])).stdout);
    expect(log.map((event) => event.id)).toEqual(scenario.recorded.map((event) => event.id));
    const text = await es(scenario.target, ['log']);
    expect(text.stdout.split('\n')[0]).toMatch(
      new RegExp(
        `^\\s+${scenario.recorded[0]?.position}  \\S+Z  default/account/a-1@1  AccountOpened  \\{ .*owner: 'Ada'`,
      ),
    );
    const payments = ndjson((await es(scenario.target, ['log', '--json', '--category', 'payment'])).stdout);
    expect(payments.map((event) => event.stream.id)).toEqual(['p-1', 'p-2']);
    const acme = ndjson((await es(scenario.target, ['log', '--json', '--tenant', 'acme'])).stdout);
    expect(acme.map((event) => event.stream.id)).toEqual(['a-9']);
    const third = scenario.recorded[2] as RecordedEvent;
    const page = await es(scenario.target, [
      'log',
      '--json',
      '--after',
      String(scenario.recorded[1]?.position),
      '--limit',
      '2',
    ]);
    expect(ndjson(page.stdout).map((event) => event.id)).toEqual(
      scenario.recorded.slice(2, 4).map((event) => event.id),
    );
    expect(page.stderr).toBe(`more events: es log --after ${scenario.recorded[3]?.position}\n`);
    expect(third.stream.id).toBe('p-1');
  });

  it('follows the log from its end as events commit, until Ctrl-C (exit code 0)', async () => {
    const follow = startEs(scenario.target, ['log', '--follow', '--json', '--interval', '50']);
    const append = async (id: string, amounts: number[]) =>
      (
        await scenario.app.store.append(
          { category: 'account', id },
          amounts.map((amount) => Deposited.create({ amount })),
          { expectedVersion: 'no_stream' },
        )
      ).events.map((event) => event.id);
    // Until it prints something, it may still be starting: appended events before its start are not its to print.
    const early: string[] = [];
    for (let attempt = 0; follow.stdout === '' && attempt < 240; attempt++) {
      early.push(...(await append(`a-early-${attempt}`, [1])));
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const batch = await append('a-follow', [1, 2, 3]);
    await follow.waitFor('stdout', new RegExp(batch.at(-1) as string));
    const printed = ndjson(follow.stdout).map((event) => event.id);
    const before = printed.slice(0, -3);
    expect(printed.slice(-3)).toEqual(batch);
    expect(before.length).toBeGreaterThan(0);
    expect(before).toEqual(early.slice(early.length - before.length));
    follow.child.kill('SIGINT');
    expect(await follow.result).toMatchObject({ code: 0, stderr: '' });
  });

  it('finds es.config.ts in the working directory when --config is not given', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'es-cli-'));
    writeFileSync(join(cwd, 'es.config.ts'), `export { default } from ${JSON.stringify(CONFIG)};\n`);
    const run = await es(scenario.target, ['streams', '--category', 'payment', '--tenant', 'default'], {
      config: null,
      cwd,
    });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('p-2');
  });
});
