import { request as httpRequest } from 'node:http';

export interface Answer<T = unknown> {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly body: T;
}

/**
 * A request through node:http (which, unlike fetch, lets a test set Host, Origin and Cookie as a
 * browser or an attacker would).
 */
export function request<T = unknown>(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer<T>> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: body as T });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A JSON POST from the page's own origin. */
export const post = <T = unknown>(
  base: string,
  path: string,
  body: unknown = {},
  headers: Record<string, string> = {},
) =>
  request<T>(new URL(path, base).href, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: new URL(base).origin, ...headers },
    body: JSON.stringify(body),
  });

/** The first `count` messages of a server-sent event stream (then it is closed). */
export async function firstMessages(
  url: string,
  count: number,
  headers: Record<string, string> = {},
): Promise<{ id?: string; event?: string; data: string }[]> {
  const controller = new AbortController();
  const timeout = setTimeout(() => controller.abort(), 10_000);
  const response = await fetch(url, { headers, signal: controller.signal });
  if (!response.body) throw new Error('no body');
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const messages: { id?: string; event?: string; data: string }[] = [];
  let buffered = '';
  try {
    while (messages.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      let end = buffered.indexOf('\n\n');
      while (end >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const message: { id?: string; event?: string; data: string } = { data: '' };
        for (const line of block.split('\n')) {
          const [field, ...rest] = line.split(': ');
          const text = rest.join(': ');
          if (field === 'id') message.id = text;
          if (field === 'event') message.event = text;
          if (field === 'data') message.data += text;
        }
        if (message.data !== '') messages.push(message);
        end = buffered.indexOf('\n\n');
      }
    }
  } finally {
    clearTimeout(timeout);
    controller.abort();
  }
  return messages;
}
