import type { RecordedEvent } from '@es/core';

/** The read model's row for a handled event. */
export const handledRow = (event: RecordedEvent) => ({ eventId: event.id, position: Number(event.position) });
