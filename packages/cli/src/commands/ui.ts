import { once } from 'node:events';
import { CliError, ExitCode } from '../exitCodes.js';
import type { CommandContext, CommonOptions } from '../run.js';

export interface UiOptions extends CommonOptions {
  readonly host: string;
  readonly port: number;
  readonly token?: string;
  readonly actions?: boolean;
  /** Show personal fields' values (masked as `[personal]` by default). */
  readonly showPersonal?: boolean;
}

/**
 * `es ui`: the event browser (@es/ui) on a server of its own until Ctrl-C. Checked before the
 * config loads: an address beyond loopback needs a token (--token, or ES_UI_TOKEN, which keeps it
 * out of the process list).
 */
export async function ui(options: UiOptions) {
  const { isLoopback, serveEventBrowser } = await import('@es/ui');
  const token = options.token ?? process.env.ES_UI_TOKEN;
  if (!isLoopback(options.host) && token === undefined) {
    throw new CliError(
      `es ui on ${options.host} serves beyond this machine: give a token (--token or ES_UI_TOKEN), or bind 127.0.0.1`,
      ExitCode.usage,
      'USAGE',
    );
  }
  if (token !== undefined && token.length < 8) {
    throw new CliError('the token must be at least 8 characters long', ExitCode.usage, 'USAGE');
  }
  return async ({ config, out }: CommandContext): Promise<void> => {
    const served = await serveEventBrowser({
      store: config.store,
      consumers: config.consumers,
      relays: config.relays,
      host: options.host,
      port: options.port,
      actions: options.actions === true,
      personalData: options.showPersonal === true ? 'visible' : 'masked',
      ...(token !== undefined && { token }),
    }).catch((error: unknown) => {
      const code = (error as { code?: unknown }).code;
      if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
        throw new CliError(`cannot listen on ${options.host}:${options.port}: ${code}`, ExitCode.usage, 'USAGE');
      }
      throw error;
    });
    if (out.json)
      out.record({
        url: served.url,
        actions: options.actions === true,
        token: token !== undefined,
        personalData: options.showPersonal === true ? 'visible' : 'masked',
      });
    else {
      out.line(`event browser on ${out.colors.bold(served.url)} (${options.actions ? 'actions on' : 'read-only'})`);
      if (token !== undefined)
        out.line(out.dim(`open ${served.url}?token=<token> once: the page keeps it in a cookie`));
      out.note(out.dim('Ctrl-C stops it'));
    }
    await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
    await served.close();
  };
}
