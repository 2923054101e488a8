import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { es, startEs } from './support/cli.ts';
import { seededScenario } from './support/scenario.ts';

describe('es ui', () => {
  const scenario = seededScenario('sqlite');

  it("serves the event browser over the config's store until Ctrl-C (exit code 0), read-only by default", async () => {
    const ui = startEs(scenario.target, ['ui', '--port', '0', '--json']);
    const [line] = await ui.waitFor('stdout', /\{.*\}\n/);
    const { url, actions } = JSON.parse(line) as { url: string; actions: boolean };
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(actions).toBe(false);
    const meta = (await (await fetch(`${url}api/meta`)).json()) as { dialect: string; actions: boolean };
    // Personal fields masked unless --show-personal.
    expect(meta).toMatchObject({ dialect: 'sqlite', actions: false, masking: true });
    const streams = (await (await fetch(`${url}api/streams?tenant=default&category=payment`)).json()) as {
      streams: { id: string }[];
    };
    expect(streams.streams.map((stream) => stream.id)).toEqual(['p-1', 'p-2']);
    const retry = await fetch(`${url}api/outbox/retry`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(retry.status).toBe(403);
    ui.child.kill('SIGINT');
    expect((await ui.result).code).toBe(0);
  });

  it('with --actions, --show-personal and a token, off loopback: the token is required, the actions answer, nothing is masked', async () => {
    const ui = startEs(
      scenario.target,
      ['ui', '--host', '0.0.0.0', '--port', '0', '--actions', '--show-personal', '--json'],
      {
        env: { ES_UI_TOKEN: 'the-token-of-this-test' },
      },
    );
    const [line] = await ui.waitFor('stdout', /\{.*\}\n/);
    const { url, token } = JSON.parse(line) as { url: string; token: boolean };
    expect(token).toBe(true);
    const local = url.replace('0.0.0.0', '127.0.0.1');
    expect((await fetch(`${local}api/meta`)).status).toBe(401);
    const headers = { Authorization: 'Bearer the-token-of-this-test', 'Content-Type': 'application/json' };
    const meta = (await (await fetch(`${local}api/meta`, { headers })).json()) as { actions: boolean };
    expect(meta).toMatchObject({ actions: true, masking: false });
    const retried = await fetch(`${local}api/outbox/retry`, { method: 'POST', headers, body: '{}' });
    expect(await retried.json()).toEqual({ retried: 1 });
    ui.child.kill('SIGINT');
    expect((await ui.result).code).toBe(0);
  });

  it('refuses to bind beyond loopback without a token, before loading any config (exit code 2)', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'es-cli-'));
    const refused = await es(undefined, ['ui', '--host', '0.0.0.0'], { config: null, cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('give a token (--token or ES_UI_TOKEN)');
    const badPort = await es(undefined, ['ui', '--port', 'eighty'], { config: null, cwd });
    expect(badPort.code).toBe(2);
  });
});
