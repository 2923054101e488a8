/** An error as a parked event or a dead outbox row records it: its name and message. */
export function describeFailure(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
