import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { BIN, es } from './support/cli.ts';

/** A directory with no es.config.* in it, and files the test puts there. */
function directory(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'es-cli-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const COMMANDS = [
  'status',
  'streams',
  'stream',
  'log',
  'consumer rebuild',
  'consumer reset',
  'outbox dead',
  'outbox retry',
  'outbox purge',
  'ui',
];

describe('the es command line', () => {
  it('answers --help for every command, naming its options and --json, without a config', async () => {
    const cwd = directory();
    const root = await es(undefined, ['--help'], { config: null, cwd });
    expect(root.code).toBe(0);
    expect(root.stdout).toMatch(/^Usage: es \[options\] \[command\]/);
    for (const command of ['status', 'streams', 'stream', 'log', 'consumer', 'outbox', 'ui'])
      expect(root.stdout).toContain(command);
    expect(root.stdout).toContain('Exit codes:');
    for (const group of ['consumer', 'outbox']) {
      const help = await es(undefined, [group, '--help'], { config: null, cwd });
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: es ${group} [options] [command]`);
    }
    for (const command of COMMANDS) {
      const help = await es(undefined, [...command.split(' '), '--help'], { config: null, cwd });
      expect({ command, code: help.code, stderr: help.stderr }).toEqual({ command, code: 0, stderr: '' });
      expect(help.stdout).toContain(`Usage: es ${command} [options]`);
      expect(help.stdout).toContain('--json');
    }
  });

  it('loads only the argument parser to answer --help: not the config, a database driver or the table renderer', async () => {
    const cwd = directory({
      'hooks.mjs': `import { registerHooks } from 'node:module';
import { appendFileSync } from 'node:fs';
registerHooks({ load(url, context, next) { appendFileSync(process.env.LOADED, url + '\\n'); return next(url, context); } });`,
      'broken.config.mjs': `throw new Error('the config was loaded');`,
    });
    const loaded = join(cwd, 'loaded.txt');
    writeFileSync(loaded, '');
    const { spawnSync } = await import('node:child_process');
    const run = spawnSync(
      process.execPath,
      ['--import', join(cwd, 'hooks.mjs'), BIN, '--config', join(cwd, 'broken.config.mjs'), 'status', '--help'],
      { env: { ...process.env, LOADED: loaded }, encoding: 'utf8' },
    );
    expect(run.status).toBe(0);
    const urls = readFileSync(loaded, 'utf8');
    expect(urls).toContain('/commander/');
    for (const lazy of [
      'cli-table3',
      'cli-progress',
      'picocolors',
      '/@es/',
      'drizzle',
      'broken.config',
      '/commands/',
    ]) {
      expect({ lazy, loaded: urls.includes(lazy) }).toEqual({ lazy, loaded: false });
    }
  });

  it('prints its version', async () => {
    const run = await es(undefined, ['--version'], { config: null });
    expect(run).toMatchObject({ code: 0, stdout: '0.1.0\n' });
  });

  it('refuses wrong usage with exit code 2 and one line saying what is wrong', async () => {
    const cwd = directory();
    const cases: [string[], RegExp][] = [
      [['bogus'], /^es: unknown command 'bogus'\n\(add --help for usage\)\n$/],
      [['status', '--bogus'], /^es: unknown option '--bogus'\n/],
      [
        ['streams', '--limit', 'x'],
        /^es: option '--limit <n>' argument 'x' is invalid\. must be a whole number >= 1\n/,
      ],
      [['consumer', 'reset', 'balances'], /^es: required option '--to <position>' not specified\n/],
      [['stream'], /^es: missing required argument 'category\/id'\n/],
    ];
    for (const [args, message] of cases) {
      const run = await es(undefined, args, { config: null, cwd });
      expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(run.stderr).toMatch(message);
    }
    const group = await es(undefined, ['consumer'], { config: null, cwd });
    expect(group.code).toBe(2);
    expect(group.stderr).toContain('Usage: es consumer');
  });

  it('says in one line when the config is missing, fails to load or exports no store (exit code 3), with --json too', async () => {
    const cwd = directory({
      'empty.config.mjs': 'export const nothing = 1;\n',
      'failing.config.ts': `const port: number = 5999;\nthrow new Error(\`connect ECONNREFUSED 127.0.0.1:\${port}\`);\n`,
      'notes.config.ts': 'export default { store: {}, consumers: [] };\n',
    });
    const cases: [string[], string][] = [
      [[], `es: no es.config.ts in ${cwd}: write one exporting your store (see es --help), or pass --config <path>\n`],
      [['--config', 'missing.ts'], 'es: config module missing.ts not found\n'],
      [
        ['--config', 'empty.config.mjs'],
        'es: empty.config.mjs exports no store: export default defineConfig({ store, consumers, relays })\n',
      ],
      [
        ['--config', 'notes.config.ts'],
        'es: notes.config.ts exports no store: export default defineConfig({ store, consumers, relays })\n',
      ],
      [['--config', 'failing.config.ts'], 'es: cannot load failing.config.ts: connect ECONNREFUSED 127.0.0.1:5999\n'],
    ];
    for (const [args, stderr] of cases) {
      const run = await es(undefined, [...args, 'status'], { config: null, cwd });
      expect({ args, code: run.code, stderr: run.stderr, stdout: run.stdout }).toEqual({
        args,
        code: 3,
        stderr,
        stdout: '',
      });
    }
    const json = await es(undefined, ['--config', 'missing.ts', 'status', '--json'], { config: null, cwd });
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stderr)).toEqual({
      error: { code: 'CONFIG', message: 'config module missing.ts not found', exitCode: 3 },
    });
  });
});
