#!/usr/bin/env node
// The public API of every published package, as API Extractor reports it: one report per entry
// point of each package's `exports` (`packages/<pkg>/api/<entry>.api.md`, committed). `./dev test`
// runs this and fails when a report differs from what the built declarations say, so a change to
// the public API shows up in review. `pnpm api:update` writes the reports anew.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const update = process.argv.includes('--update');
let changed = 0;
let reports = 0;

for (const dir of readdirSync(join(root, 'packages')).sort()) {
  const packageDir = join(root, 'packages', dir);
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  if (manifest.private) continue;
  for (const [entry, target] of Object.entries(manifest.exports ?? {})) {
    const types = typeof target === 'string' ? undefined : target.types;
    if (!types) continue;
    const name = entry === '.' ? 'index' : entry.replace(/^\.\//, '').replaceAll('/', '-');
    const reportFolder = join(packageDir, 'api');
    const tempFolder = join(packageDir, '.api-extractor');
    mkdirSync(reportFolder, { recursive: true });
    const config = ExtractorConfig.prepare({
      configObject: {
        projectFolder: packageDir,
        mainEntryPointFilePath: join(packageDir, types),
        compiler: { tsconfigFilePath: join(packageDir, 'tsconfig.build.json') },
        apiReport: { enabled: true, reportFolder, reportTempFolder: tempFolder, reportFileName: `${name}.api.md` },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        messages: {
          // The report holds the API's signatures only: API Extractor's notes (undocumented
          // members, forgotten exports, missing release tags) cite source lines, which would make
          // every unrelated edit look like an API change.
          extractorMessageReporting: { default: { logLevel: 'none', addToApiReportFile: false } },
          compilerMessageReporting: { default: { logLevel: 'warning' } },
          tsdocMessageReporting: { default: { logLevel: 'none' } },
        },
      },
      configObjectFullPath: join(packageDir, 'api-extractor.json'),
      packageJsonFullPath: join(packageDir, 'package.json'),
    });
    const result = Extractor.invoke(config, {
      localBuild: update,
      showVerboseMessages: false,
      messageCallback: () => {},
    });
    rmSync(tempFolder, { recursive: true, force: true });
    reports++;
    if (result.apiReportChanged) {
      changed++;
      console.error(
        `api-reports: ${manifest.name} (${entry}): the public API differs from api/${name}.api.md${update ? ' (written anew)' : ''}`,
      );
    }
    if (!result.succeeded && !result.apiReportChanged) {
      console.error(`api-reports: ${manifest.name} (${entry}): API Extractor failed`);
      process.exitCode = 1;
    }
  }
}
if (changed > 0 && !update) {
  console.error('api-reports: run `pnpm api:update`, and review and commit the reports with the change');
  process.exitCode = 1;
}
if (update) console.log(`api-reports: ${reports} reports written`);
else if (changed === 0) console.log(`api-reports: ${reports} reports match the built declarations`);
