#!/usr/bin/env node
// The page's build after tsc has compiled src/client into dist/client: the static files beside the
// modules, and index.html given a modulepreload link for every module, so the browser fetches
// them all at once instead of discovering them import by import (a waterfall of round trips).
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const from = join(root, 'src/client/static');
const to = join(root, 'dist/client');

for (const file of readdirSync(from)) copyFileSync(join(from, file), join(to, file));

const modules = readdirSync(to, { recursive: true })
  .map(String)
  .filter((file) => file.endsWith('.js') && file !== 'main.js')
  .map((file) => relative(to, join(to, file)).split('\\').join('/'))
  .sort();
const page = join(to, 'index.html');
const marker = '<!-- modulepreload -->';
const html = readFileSync(page, 'utf8');
if (!html.includes(marker)) throw new Error(`build-client: ${page} has no ${marker}`);
const links = modules.map((file) => `<link rel="modulepreload" href="${file}" />`).join('\n    ');
writeFileSync(page, html.replace(marker, links));
console.log(`build-client: ${modules.length + 1} modules, index.html preloads them`);
