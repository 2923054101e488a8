import { createInterface } from 'node:readline/promises';
import { CliError, ExitCode } from './exitCodes.js';

/**
 * Asks a yes/no question on the terminal (default no). Without a terminal there is nobody to ask:
 * the command is refused rather than assumed, and `--yes` says it in advance.
 */
export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new CliError(
      `"${question}" needs an answer and there is no terminal to ask: pass --yes`,
      ExitCode.declined,
      'DECLINED',
    );
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
