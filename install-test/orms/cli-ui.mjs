// @es/cli and @es/ui as a new user adds them: the @es/drizzle app of its README (PostgreSQL), then
// packages/cli/README.md (its es.config.ts, `pnpm es status` and `pnpm es streams`), then
// packages/ui/README.md (its Express, Fastify and Nest blocks). The installed `es` then answers
// about the app's one invoice, `es ui` serves the event browser over that store, and the README's
// Express app serves it under /es/: each page with every file it loads, and its API.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { expectOneCommittedInvoice } from '../checks.mjs';
import drizzle from './drizzle.mjs';

export default {
  readme: ['packages/drizzle/README.md', 'packages/cli/README.md', 'packages/ui/README.md'],
  pins: {
    ...drizzle.pins,
    express: '5.2.1',
    '@types/express': '5.0.6',
    fastify: '5.12.8',
    '@nestjs/core': '11.2.12',
    '@nestjs/common': '11.2.12',
    '@nestjs/platform-express': '11.2.12',
    'reflect-metadata': '0.2.2',
    rxjs: '7.8.2',
  },
  packageJson: drizzle.packageJson,
  async verify({ query, app, env }) {
    await expectOneCommittedInvoice(query);
    const [invoice] = await query('select id::text as id from invoices');
    const es = join(app, 'node_modules/.bin/es');

    const status = JSON.parse(runEs(es, ['status', '--json'], { app, env }));
    const balances = status.consumers?.find((consumer) => consumer.name === 'balances');
    if (!balances || String(balances.lag) !== '1')
      throw new Error(`es status: expected balances 1 event behind (the invoice): ${JSON.stringify(status)}`);
    const streams = JSON.parse(runEs(es, ['streams', '--json'], { app, env }));
    const listed = streams.streams.map(({ stream: s, version }) => `${s.tenant}/${s.category}/${s.id}@${version}`);
    if (JSON.stringify(listed) !== JSON.stringify([`default/invoice/${invoice.id}@1`]))
      throw new Error(`es streams: expected the invoice's stream alone: ${JSON.stringify(streams)}`);

    // `es ui` over the app's store: its one stream in the API.
    const ui = spawn(es, ['ui', '--port', '0', '--json'], { cwd: app, env, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = await once(ui.stdout.setEncoding('utf8'), 'data');
      const { url } = JSON.parse(line);
      const meta = await expectBrowser(url);
      if (meta.dialect !== 'postgres')
        throw new Error(`es ui: api/meta is not the app's store: ${JSON.stringify(meta)}`);
      const page = await getJson(new URL('api/streams?category=invoice', url));
      if (page.streams?.[0]?.id !== invoice.id)
        throw new Error(`es ui: api/streams lacks the invoice: ${JSON.stringify(page)}`);
      ui.kill('SIGINT');
      const [code] = await once(ui, 'exit');
      if (code !== 0) throw new Error(`es ui: Ctrl-C ended it with exit code ${code}`);
    } finally {
      ui.kill('SIGKILL');
    }

    // The README's Express app (src/browser.ts), the browser mounted at /es.
    const port = await freePort();
    const express = spawn('node', ['src/browser.ts'], {
      cwd: app,
      env: { ...env, PORT: String(port) },
      stdio: 'inherit',
    });
    try {
      await expectBrowser(await reachable(`http://127.0.0.1:${port}/es/`));
    } finally {
      express.kill('SIGKILL');
    }
  },
};

function runEs(es, args, { app, env }) {
  const result = spawnSync(es, args, { cwd: app, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`es ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

/** The page at `url`, every file it loads (its links, scripts and their imports), and `api/meta`. */
async function expectBrowser(url) {
  const html = await getText(url);
  if (!html.includes('<title>Event browser</title>')) throw new Error(`${url} is not the event browser: ${html}`);
  const pending = [...html.matchAll(/(?:href|src)="([^"#]+)"/g)].map((match) => new URL(match[1], url).href);
  const loaded = new Set();
  while (pending.length > 0) {
    const asset = pending.pop();
    if (loaded.has(asset)) continue;
    loaded.add(asset);
    const body = await getText(asset);
    if (asset.endsWith('.js'))
      for (const match of body.matchAll(/(?:from|import)\s*['"](\.[^'"]+)['"]/g))
        pending.push(new URL(match[1], asset).href);
  }
  if (loaded.size < 5)
    throw new Error(`${url}: expected the page's styles and modules, loaded ${[...loaded].join(', ')}`);
  console.log(`    ${url}: the page and the ${loaded.size} files it loads`);
  const meta = await getJson(new URL('api/meta', url));
  if (meta.actions !== false) throw new Error(`${url}: expected a read-only browser: ${JSON.stringify(meta)}`);
  return meta;
}

async function getText(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return response.text();
}

async function getJson(url) {
  return JSON.parse(await getText(url));
}

async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  return port;
}

/** `url` once its server answers (within 10 s). */
async function reachable(url) {
  for (let attempt = 0; ; attempt++) {
    try {
      await fetch(url);
      return url;
    } catch (error) {
      if (attempt === 100) throw new Error(`${url} never answered: ${error.cause?.message ?? error.message}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
