import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Measurement } from '../measure.ts';
import type { OnBatch } from '../system.ts';
import type { FromInstance, InstanceOptions } from './protocol.ts';

const INSTANCE = fileURLToPath(new URL('./instance.ts', import.meta.url));

export interface InstancesRun {
  /** Instance processes, each running the consumer `options` describes. */
  readonly instances: number;
  readonly options: Omit<InstanceOptions, 'owner'>;
  /** Events in the log: once the instances have handled that many, the parent asks `caughtUp`. */
  readonly total: number;
  /** Whether every partition's checkpoint is at the log's end (asked of the store in the parent). */
  caughtUp(): Promise<boolean>;
  readonly onBatch?: OnBatch;
}

/** A run as a workload asks for it: the system says how its instances open its tables and when they are done. */
export type ProcessesRun = Omit<InstancesRun, 'caughtUp' | 'options'> & {
  readonly options: Omit<InstancesRun['options'], 'backend'>;
};

/** What the instances' handlers did: more than the log when a batch ran twice (a partition changing hands mid-batch). */
export interface InstancesMeasurement extends Measurement {
  readonly handled: number;
}

/**
 * Starts `instances` processes, waits until each has connected, then tells them all to start and
 * times until the consumer is caught up (every partition's checkpoint at the log's end, asked of
 * the database), then stops them. `samples` are the handlers' batch times.
 */
export async function runInstances(run: InstancesRun): Promise<InstancesMeasurement> {
  const children = Array.from({ length: run.instances }, (_, index) => {
    const options: InstanceOptions = { ...run.options, owner: `bench-instance-${index + 1}` };
    return fork(INSTANCE, [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  });
  let handled = 0;
  const samples: number[] = [];
  const errors: string[] = [];
  try {
    await Promise.all(children.map((child) => untilMessage(child, 'ready')));
    for (const child of children) {
      child.on('message', (message: FromInstance) => {
        if (message.type === 'batch') {
          handled += message.count;
          samples.push(message.ms);
          run.onBatch?.(message.count);
        } else if (message.type === 'failed') errors.push(message.error);
      });
    }
    const exited = Promise.race(children.map((child) => untilExit(child).then(() => child)));
    const started = process.hrtime.bigint();
    for (const child of children) child.send({ type: 'start' });
    // The handlers alone take total × handlerMs split over the instances: a run ten times slower
    // than one instance is stuck.
    const deadline = Date.now() + 60_000 + 10 * run.total * run.options.handlerMsPerEvent;
    let exitedEarly: string | undefined;
    void exited.then((child) => {
      exitedEarly = `instance ${child.pid} exited with ${child.exitCode ?? child.signalCode}`;
    });
    for (;;) {
      if (handled >= run.total && (await run.caughtUp())) break;
      if (Date.now() > deadline || exitedEarly) {
        const why = [exitedEarly, ...errors.slice(0, 3)].filter(Boolean).join('; ');
        throw new Error(`not caught up: ${handled} of ${run.total} handled; ${why}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (errors.length > 0) process.stderr.write(`  ${errors.length} batch errors (retried), first: ${errors[0]}\n`);
    return { events: run.total, handled, wallMs, samples };
  } finally {
    await Promise.all(children.map(stop));
  }
}

function untilMessage(child: ChildProcess, type: FromInstance['type']): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromInstance) => {
      if (message.type === type) {
        child.off('message', onMessage);
        resolve();
      } else if (message.type === 'failed') reject(new Error(message.error));
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`instance exited with ${code} before it was ${type}`)));
  });
}

const untilExit = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));

/** Asks an instance to stop (its batches in flight end, its leases are given up); killed if it has not within 30 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  if (child.connected) child.send({ type: 'stop' });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await untilExit(child);
  clearTimeout(timer);
}
