// A 3-node NATS JetStream cluster on loopback, for the cluster test: three `nats-server`
// processes with their own ports, names and store directories, routed to each other.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';

const NATS_SERVER = process.env.ES_NATS_SERVER ?? '/usr/sbin/nats-server';

interface ClusterNode {
  readonly name: string;
  readonly clientPort: number;
  readonly args: readonly string[];
  process: ChildProcess | undefined;
}

/**
 * `count` ports nobody listens on now (the OS picks them), so the cluster never meets the
 * machine's NATS; all held until every one is known, so that no two are the same (one picked and
 * freed could be picked again, and a node given a taken port never joins).
 */
async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

export class NatsCluster {
  private constructor(
    private readonly nodes: readonly ClusterNode[],
    private readonly root: string,
  ) {}

  /** Starts three routed nodes with JetStream, each storing in a temp directory of its own. */
  static async start(size = 3): Promise<NatsCluster> {
    const root = mkdtempSync(join(tmpdir(), 'es-nats-cluster-'));
    const ports = await freePorts(size * 2);
    const routePorts = ports.slice(size);
    const nodes = Array.from({ length: size }, (_, i): ClusterNode => {
      const name = `es-n${i + 1}`;
      const routes = routePorts.filter((_, j) => j !== i).map((port) => `nats://127.0.0.1:${port}`);
      return {
        name,
        clientPort: ports[i]!,
        process: undefined,
        args: [
          ...['-a', '127.0.0.1', '-p', String(ports[i]), '-n', name],
          ...['-js', '-sd', join(root, name), '-l', join(root, `${name}.log`)],
          ...['--cluster_name', 'es-test', '--cluster', `nats://127.0.0.1:${routePorts[i]}`],
          ...['--routes', routes.join(',')],
        ],
      };
    });
    const cluster = new NatsCluster(nodes, root);
    // If the test process ends without stop() (jest exits on a hung test), the nodes go with it.
    process.once('exit', () => cluster.killNow());
    for (const node of nodes) cluster.run(node);
    return cluster;
  }

  /** `127.0.0.1:<port>` of every node: what a client should be given. */
  get servers(): string[] {
    return this.nodes.map((node) => `127.0.0.1:${node.clientPort}`);
  }

  private node(name: string): ClusterNode {
    const node = this.nodes.find((candidate) => candidate.name === name);
    if (!node) throw new Error(`no node named ${name}`);
    return node;
  }

  private run(node: ClusterNode): void {
    // Its log goes to its file (`-l`), read by `logs()` when a wait times out.
    node.process = spawn(NATS_SERVER, node.args, { stdio: 'ignore' });
  }

  /** The last `lines` lines of each node's log, headed by its name: for a failure's message. */
  logs(lines = 30): string {
    return this.nodes
      .map((node) => {
        const file = join(this.root, `${node.name}.log`);
        const tail = existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines) : ['(no log)'];
        const state = node.process?.exitCode ?? node.process?.signalCode ?? 'running';
        return [`--- ${node.name} (${state})`, ...tail].join('\n');
      })
      .join('\n');
  }

  /** SIGKILL: no shutdown, no leadership handed over, as when a machine dies. */
  async kill(name: string): Promise<void> {
    const child = this.node(name).process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Starts a killed node again on its ports and store directory; it rejoins and catches up. */
  restart(name: string): void {
    this.run(this.node(name));
  }

  private killNow(): void {
    for (const node of this.nodes) node.process?.kill('SIGKILL');
    rmSync(this.root, { recursive: true, force: true });
  }

  /** Kills every node and removes their stores (for afterAll, whatever the test did). */
  async stop(): Promise<void> {
    for (const node of this.nodes) await this.kill(node.name);
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Waits until JetStream answers with a meta leader elected (account info fails until then). */
export async function waitForMetaLeader(
  connection: NatsConnection,
  cluster: NatsCluster,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      // Making the manager asks for the account info, which only a meta leader gives.
      await jetstreamManager(connection);
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`the cluster elected no JetStream meta leader\n${cluster.logs()}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/**
 * Runs `check` until it returns a value (not undefined), or throws after `timeoutMs` with the last
 * error `check` threw and, given a cluster, its nodes' logs.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  cluster?: NatsCluster,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      // The cluster may be between leaders: ask again.
      lastError = error;
    }
    if (Date.now() > deadline) {
      const last = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out waiting for ${what}${last}${cluster ? `\n${cluster.logs()}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Resolves as `promise` does, or throws once `timeoutMs` has passed, naming `what` (read when it
 * throws) and, given a cluster, with its nodes' logs: for the waits that have no deadline of their own.
 */
export async function within<T>(
  what: string | (() => string),
  timeoutMs: number,
  promise: Promise<T>,
  cluster?: NatsCluster,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const named = typeof what === 'function' ? what() : what;
      reject(new Error(`${named} took over ${timeoutMs} ms${cluster ? `\n${cluster.logs()}` : ''}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The phases of a test with the time each took, so that a slow or failed run says where its time
 * went: `run` adds them to the message of any error the test throws.
 */
export class Timeline {
  private readonly phases: string[] = [];
  private last = Date.now();

  /** Ends the current phase under `what`. */
  mark(what: string): void {
    const now = Date.now();
    this.phases.push(`${what} ${((now - this.last) / 1000).toFixed(1)} s`);
    this.last = now;
  }

  toString(): string {
    return this.phases.join(', ');
  }

  async run(test: () => Promise<void>): Promise<void> {
    try {
      await test();
    } catch (error) {
      if (error instanceof Error) error.message += `\nphases: ${this.toString()}, then this failure`;
      throw error;
    }
  }
}
