import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Dialect } from './app.ts';

/** The built command, as the package's `bin` names it. */
export const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
/** The test application's config module. */
export const CONFIG = fileURLToPath(new URL('./es.config.ts', import.meta.url));

export interface Target {
  readonly dialect: Dialect;
  /** A server URL, or a SQLite file. */
  readonly database: string;
}

export interface EsOptions {
  /** `--config` (default: the test application's); null: none given. */
  readonly config?: string | null;
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  readonly input?: string;
}

export interface EsResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of a user's shell: no CI or colour settings leaking in from the test run. */
function environment(target: Target | undefined, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { CI: _ci, FORCE_COLOR: _force, NO_COLOR: _none, ...env } = process.env;
  return {
    ...env,
    ...(target && { ES_CLI_DIALECT: target.dialect, ES_CLI_DATABASE: target.database }),
    ...extra,
  };
}

/** The command line: `--config` first when given. */
export function commandLine(args: readonly string[], options: EsOptions = {}): string[] {
  const config = options.config === undefined ? CONFIG : options.config;
  return [BIN, ...(config === null ? [] : ['--config', config]), ...args];
}

/** Starts `es` as a child process (for one the test talks to while it runs). */
export function startEs(target: Target | undefined, args: readonly string[], options: EsOptions = {}): EsProcess {
  const child = spawn(process.execPath, commandLine(args, options), {
    cwd: options.cwd ?? process.cwd(),
    env: environment(target, options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return new EsProcess(child, options.input);
}

/** util-linux `script`, which gives a command a pseudo-terminal of its own (no native module needed). */
export const scriptInstalled = (): boolean =>
  spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout?.includes('util-linux') === true;

/**
 * Starts `es` on a pseudo-terminal: `script` runs it with stdin, stdout and stderr on the terminal
 * (the EsProcess's stdout is what the terminal shows, both streams as one; what the test writes
 * is typed on it) and exits with its code.
 */
export function startOnTerminal(target: Target, args: readonly string[], options: EsOptions = {}): EsProcess {
  const quote = (part: string) => `'${part.replaceAll("'", "'\\''")}'`;
  const command = [process.execPath, ...commandLine(args, options)].map(quote).join(' ');
  const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
    cwd: options.cwd ?? process.cwd(),
    env: environment(target, { TERM: 'xterm-256color', COLUMNS: '160', ...options.env }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return new EsProcess(child, options.input);
}

/** Runs `es` to its end. */
export function es(target: Target | undefined, args: readonly string[], options: EsOptions = {}): Promise<EsResult> {
  return startEs(target, args, options).result;
}

/** A running `es`: its output so far, and its end. */
export class EsProcess {
  stdout = '';
  stderr = '';
  readonly result: Promise<EsResult>;

  readonly child: ChildProcess;

  constructor(child: ChildProcess, input: string | undefined) {
    this.child = child;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    child.stdin?.end(input ?? '');
    this.result = new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  /** Resolves once `stream` matches `pattern`; rejects when the process ends first. */
  async waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    let ended = false;
    void this.result.then(() => {
      ended = true;
    });
    for (;;) {
      const match = this[stream].match(pattern);
      if (match) return match;
      if (ended || Date.now() > deadline) {
        throw new Error(`es never printed ${pattern} on ${stream}; stdout: ${this.stdout}\nstderr: ${this.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** `es ... --json`, parsed; fails the test with the output when the command failed. */
export async function esJson<T = unknown>(
  target: Target,
  args: readonly string[],
  options: EsOptions = {},
): Promise<T> {
  const result = await es(target, [...args, '--json'], options);
  if (result.code !== 0) throw new Error(`es ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
