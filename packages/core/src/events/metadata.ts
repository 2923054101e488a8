/**
 * Metadata travels with every event. `correlationId` ties together everything caused by one
 * request; `causationId` names the event (or command) that directly caused this one.
 */
export interface EventMetadata {
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly [key: string]: unknown;
}

/**
 * Metadata for events caused by `cause`: same correlation (or the cause's id when it started
 * the chain), causation = the cause's id. Spread extra fields over the result as needed.
 */
export function causedBy(cause: { readonly id: string; readonly metadata?: EventMetadata }): EventMetadata {
  return {
    correlationId: cause.metadata?.correlationId ?? cause.id,
    causationId: cause.id,
  };
}
