/**
 * `COPY ... FROM STDIN` on a node-postgres client without a dependency: node-postgres runs any
 * object with `submit(connection)` as its active query and hands it the protocol's messages
 * (what pg-copy-streams does, here for data already in memory, sent as one CopyData message).
 */

/** The part of node-postgres's connection a COPY writes to. */
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/** A node-postgres Client (or PoolClient), as far as a COPY needs it. */
export interface NodePostgresCopyClient {
  query(submittable: object): unknown;
}

/** Whether `target` can run a COPY: a single client, not a Pool (a Pool hands each query to any client). */
export function canCopy(target: unknown): target is NodePostgresCopyClient {
  const client = target as { query?: unknown; idleCount?: unknown; connection?: unknown };
  return typeof client?.query === 'function' && client.idleCount === undefined && client.connection !== undefined;
}

/** One COPY in text format: `data` is the rows, each ended by a newline. Resolves to the rows copied. */
export function copyIn(client: NodePostgresCopyClient, text: string, data: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    client.query(new CopyIn(text, data, resolve, reject));
  });
}

/** node-postgres's active query for the COPY: the handlers it calls as the server answers. */
class CopyIn {
  private rows = 0;

  constructor(
    readonly text: string,
    private readonly data: string,
    private readonly resolve: (rows: number) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  /** node-postgres replaces it with its timeout handler when `query_timeout` is set. */
  callback(): void {}

  submit(connection: CopyConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    connection.sendCopyFromChunk(Buffer.from(this.data, 'utf8'));
    connection.endCopyFrom();
  }

  handleCommandComplete(message: { text?: string }): void {
    this.rows = Number(/^COPY (\d+)/.exec(message?.text ?? '')?.[1] ?? 0);
  }

  handleReadyForQuery(): void {
    this.callback();
    this.resolve(this.rows);
  }

  /** node-postgres calls no handleReadyForQuery after an error: the COPY ends here. */
  handleError(error: Error): void {
    this.callback();
    this.reject(error);
  }

  // Messages a COPY FROM does not get, which node-postgres may hand any active query.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

/** A COPY text-format field: backslash and the characters that end a field or a row escaped. */
export function copyField(text: string): string {
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c] as string) : text;
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
