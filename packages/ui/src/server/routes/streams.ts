import type {
  CategoriesResponse,
  EventResponse,
  Json,
  StreamResponse,
  StreamSummaryJson,
  StreamsResponse,
} from '../../api/contract.js';
import { notFound } from '../http/errors.js';
import type { AnyStore } from '../operator/application.js';
import type { EventPresenter } from './eventJson.js';
import { pageCursor, type Query, tenantScope } from './query.js';

/** Stream counts stop at this many (contract: CategorySummary.streams). */
const COUNT_UP_TO = 1000;

/** GET api/categories */
export async function categories(root: AnyStore, query: Query): Promise<CategoriesResponse> {
  const { store, allTenants } = tenantScope(root, query.string('tenant'));
  const after = query.cursor<[string, string]>('after', 2);
  const page = await store.listCategories({
    allTenants,
    limit: query.integer('limit', 100, 1, 500),
    countUpTo: COUNT_UP_TO + 1,
    ...(after && { after: { tenant: after[0], category: after[1] } }),
  });
  return {
    categories: page.categories.map(({ tenant, category, streams }) => ({
      tenant,
      category,
      streams: Math.min(streams, COUNT_UP_TO),
      streamsCapped: streams > COUNT_UP_TO,
    })),
    next: page.next ? pageCursor(page.next.tenant, page.next.category) : null,
  };
}

/** GET api/streams */
export async function streams(root: AnyStore, query: Query): Promise<StreamsResponse> {
  const { store, allTenants } = tenantScope(root, query.string('tenant'));
  const after = query.cursor<[string, string, string]>('after', 3);
  const search = query.string('search');
  const category = query.string('category');
  const page = await store.listStreams({
    allTenants,
    limit: query.integer('limit', 50, 1, 500),
    ...(category !== undefined && { category }),
    ...(search !== undefined && { idPrefix: search }),
    ...(after && { after: { tenant: after[0], category: after[1], id: after[2] } }),
  });
  return {
    streams: page.streams.map(({ stream, version, updatedAt }) => ({
      ...stream,
      version,
      updatedAt: updatedAt.toISOString(),
    })),
    next: page.next ? pageCursor(page.next.tenant, page.next.category, page.next.id) : null,
  };
}

/** GET api/stream: a page of its events in version order, its snapshot, its version and last write. */
export async function stream(root: AnyStore, query: Query, present: EventPresenter): Promise<StreamResponse> {
  const { store } = tenantScope(root, query.string('tenant') ?? root.tenant);
  const name = { category: query.required('category'), id: query.required('id') };
  const fromVersion = query.integer('fromVersion', 1, 1, Number.MAX_SAFE_INTEGER);
  const limit = query.integer('limit', 100, 1, 1000);
  const [events, version, snapshot] = await Promise.all([
    store.readStream(name, { fromVersion, limit, unknownTypes: 'raw' }),
    store.streamVersion(name),
    store.loadSnapshot(name),
  ]);
  if (version === 0)
    throw notFound('STREAM_NOT_FOUND', `stream ${store.tenant}/${name.category}/${name.id} has no events`);
  const last = events.at(-1);
  const updatedAt =
    last?.version === version
      ? last.recordedAt
      : (await store.readStream(name, { fromVersion: version, limit: 1, unknownTypes: 'raw' }))[0]?.recordedAt;
  const summary: StreamSummaryJson = {
    tenant: store.tenant,
    ...name,
    version,
    updatedAt: updatedAt?.toISOString() ?? null,
  };
  return {
    stream: summary,
    events: events.map(present),
    snapshot: snapshot
      ? {
          version: snapshot.version,
          schemaVersion: snapshot.schemaVersion,
          takenAt: snapshot.takenAt.toISOString(),
          state: snapshot.state as Json,
        }
      : null,
    next: last && last.version < version ? last.version + 1 : null,
  };
}

/** GET api/events/<id> */
export async function event(root: AnyStore, eventId: string, present: EventPresenter): Promise<EventResponse> {
  const found = await root.readEvent(eventId, { allTenants: !root.isTenantScoped, unknownTypes: 'raw' });
  if (!found) throw notFound('EVENT_NOT_FOUND', `no event has id ${eventId}`);
  return { event: present(found) };
}
