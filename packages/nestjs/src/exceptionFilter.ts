import { ConcurrencyError, EventValidationError, InvalidInputError } from '@es/core';
import { type ArgumentsHost, Catch, HttpException, HttpStatus } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';

/**
 * The HTTP answer to an error of the store: a lost race (`ConcurrencyError`) is 409 Conflict,
 * input refused before anything was written (every `InvalidInputError`: an invalid event, stream
 * name or argument) is 400 Bad Request. The body carries the error's stable `code`. Undefined for
 * any other error.
 */
export function toHttpException(error: unknown): HttpException | undefined {
  if (error instanceof ConcurrencyError) return answer(HttpStatus.CONFLICT, 'Conflict', error);
  if (error instanceof EventValidationError) {
    return answer(HttpStatus.BAD_REQUEST, 'Bad Request', error, { issues: error.issues });
  }
  if (error instanceof InvalidInputError) return answer(HttpStatus.BAD_REQUEST, 'Bad Request', error);
  return undefined;
}

function answer(
  statusCode: HttpStatus,
  reason: string,
  error: ConcurrencyError | InvalidInputError,
  detail: Record<string, unknown> = {},
): HttpException {
  const body = { statusCode, error: reason, code: error.code, message: error.message, ...detail };
  return new HttpException(body, statusCode, { cause: error });
}

/**
 * Opt-in: answers the store's errors over HTTP as `toHttpException` says, and leaves every other
 * error to Nest. Register it as Nest's own filters are: `{ provide: APP_FILTER, useClass:
 * EsExceptionFilter }` in a module, `@UseFilters(EsExceptionFilter)` on a controller, or
 * `app.useGlobalFilters(new EsExceptionFilter(app.get(HttpAdapterHost).httpAdapter))`.
 */
@Catch(ConcurrencyError, InvalidInputError)
export class EsExceptionFilter extends BaseExceptionFilter {
  override catch(error: ConcurrencyError | InvalidInputError, host: ArgumentsHost): void {
    super.catch(toHttpException(error) ?? error, host);
  }
}
