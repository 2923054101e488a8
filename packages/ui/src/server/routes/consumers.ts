import type {
  ConsumerJson,
  ConsumersResponse,
  LagSample,
  OpenTransactionJson,
  RebuildResponse,
} from '../../api/contract.js';
import { ApiError, notFound } from '../http/errors.js';
import type { AnyStore, ConsumerEntry } from '../operator/application.js';
import { type ConsumerReport, consumerReports } from '../operator/consumers.js';
import { formatCursor } from './eventJson.js';

export interface LagSampling {
  readonly everyMs: number;
  readonly keepMs: number;
}

const keyOf = (name: string, tenant: string) => JSON.stringify([tenant, name]);

/**
 * The consumers' state, sampled: once something asks for it, the lag of every consumer is read
 * every `everyMs` and kept for `keepMs`, so the page can chart the last minutes. Rebuilds started
 * from the page run here, in the background, with their progress.
 */
export class ConsumerWatch {
  private readonly history = new Map<string, LagSample[]>();
  private readonly rebuilds = new Map<string, { handled: number; total: number }>();
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<unknown> | undefined;

  constructor(
    private readonly store: AnyStore,
    private readonly entries: readonly ConsumerEntry[],
    readonly lagSampling: LagSampling,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** GET api/consumers */
  async report(): Promise<ConsumersResponse> {
    this.startSampling();
    const now = Date.now();
    const { consumers } = await this.sample(now);
    return { consumers: consumers.map((report) => this.consumerJson(report)), sampledAt: new Date(now).toISOString() };
  }

  /** POST api/consumers/<name>/rebuild: started, and answered once it runs (or failed at once). */
  async rebuild(name: string, tenant: string | undefined): Promise<RebuildResponse> {
    const matching = this.entries.filter(
      (entry) => entry.consumer.name === name && (tenant === undefined || entry.consumer.key.tenant === tenant),
    );
    if (matching.length === 0)
      throw notFound('CONSUMER_NOT_FOUND', `no consumer ${name}${tenant ? ` of tenant ${tenant}` : ''}`);
    if (matching.length > 1)
      throw new ApiError(400, 'BAD_REQUEST', `consumers of several tenants are named ${name}: say which tenant`);
    const { consumer, clear } = matching[0] as ConsumerEntry;
    const key = keyOf(consumer.name, consumer.key.tenant);
    if (this.rebuilds.has(key)) throw new ApiError(409, 'REBUILD_RUNNING', `consumer ${name} is being rebuilt already`);
    this.rebuilds.set(key, { handled: 0, total: 0 });
    const running = consumer
      .rebuild({
        ...(clear && { clear }),
        onProgress: (progress) => {
          this.rebuilds.set(key, { ...progress });
        },
      })
      .finally(() => this.rebuilds.delete(key));
    // A rebuild refused at its start (another instance holds the consumer) is answered as such;
    // one that runs goes on after the answer.
    const startedWithin = new Promise<'running'>((resolve) => setTimeout(resolve, 500, 'running').unref());
    const first = await Promise.race([running.then(() => 'done' as const), startedWithin]);
    if (first === 'running') running.catch(this.onError);
    return { started: true };
  }

  /** Stops sampling, once the sample in flight (if any) is taken: the application may close its pool next. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sampling;
  }

  private startSampling(): void {
    if (this.timer || this.entries.length === 0) return;
    this.timer = setInterval(() => {
      // One sample at a time: a slow database gets fewer, not piled-up, reads.
      if (this.sampling) return;
      this.sampling = this.sample(Date.now())
        .catch(this.onError)
        .finally(() => {
          this.sampling = undefined;
        });
    }, this.lagSampling.everyMs);
    this.timer.unref();
  }

  private async sample(now: number) {
    const reports = await consumerReports(
      this.store,
      this.entries.map((entry) => entry.consumer),
      now,
    );
    const at = new Date(now).toISOString();
    for (const report of reports.consumers) {
      const key = keyOf(report.name, report.tenant);
      const samples = (this.history.get(key) ?? []).filter(
        (sample) => Date.parse(sample.at) > now - this.lagSampling.keepMs,
      );
      samples.push({ at, lag: report.status.lag });
      this.history.set(key, samples);
    }
    return reports;
  }

  private consumerJson(report: ConsumerReport): ConsumerJson {
    const { status } = report;
    const key = keyOf(report.name, report.tenant);
    const rebuild = this.rebuilds.get(key) ?? null;
    const held = report.heldBackBy;
    const heldBackBy: OpenTransactionJson | null = held && {
      transactionId: String(held.transactionId),
      pid: held.pid,
      ageMs: held.ageMs,
      state: held.state,
      query: held.query,
    };
    return {
      name: report.name,
      tenant: report.tenant,
      checkpoint: status.checkpoint ? formatCursor(status.checkpoint) : null,
      head: formatCursor(status.head),
      lag: status.lag,
      lagMs: report.lagMs,
      holder: report.holder,
      leaseExpiresAt: status.leaseExpiresAt?.toISOString() ?? null,
      status: rebuild
        ? 'rebuilding'
        : report.haltedAt !== null
          ? 'halted'
          : status.lag === 0
            ? 'caught-up'
            : heldBackBy
              ? 'held-back'
              : 'behind',
      parked: report.parked,
      haltedAt: report.haltedAt === null ? null : String(report.haltedAt),
      heldBackBy,
      rebuild: rebuild && { ...rebuild },
      history: [...(this.history.get(key) ?? [])],
      partitions:
        report.partitions?.map((partition) => ({
          partition: partition.partition,
          checkpoint: partition.checkpoint ? formatCursor(partition.checkpoint) : null,
          lag: partition.lag,
          holder: partition.holder,
          leaseExpiresAt: partition.leaseExpiresAt?.toISOString() ?? null,
        })) ?? null,
      instances: report.instances?.map((instance) => instance.owner) ?? null,
    };
  }
}
