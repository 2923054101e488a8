import type { ApiErrorCode } from '../../api/contract.js';

/** A failure the API answers with its status and stable code (the body is `ErrorBody`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string) => new ApiError(400, 'BAD_REQUEST', message);
export const notFound = (code: ApiErrorCode, message: string) => new ApiError(404, code, message);

/** The class names an error's prototype chain holds. By name, not `instanceof`: the
 * application's config may bring its own copy of `@es/core`. */
function classNames(error: object): string[] {
  const names: string[] = [];
  for (
    let proto = Object.getPrototypeOf(error);
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    names.push(proto.constructor?.name);
  }
  return names;
}

/** The store's own errors keep their code; bad input is 400, a held consumer 409, the rest 500. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  if (error instanceof Error && typeof code === 'string') {
    const names = classNames(error);
    if (names.includes('InvalidInputError')) return new ApiError(400, code, error.message);
    if (code === 'CONSUMER_HELD') return new ApiError(409, code, error.message);
    if (names.includes('EsError')) return new ApiError(500, code, error.message);
  }
  return new ApiError(500, 'INTERNAL', error instanceof Error ? error.message : String(error));
}
