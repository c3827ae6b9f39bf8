/** One error class per kind, mapped from the API's error envelope by code, else by status. */

/** Base of every error this library throws. */
export class LeadexError extends Error {
  override name = "LeadexError";
}

/** A failure talking to the API; `status`, `code`, `param` and `requestId` are `undefined`
 * where the server never answered. */
export class APIError extends LeadexError {
  override name = "APIError";
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly param: string | undefined;
  readonly requestId: string | undefined;
  readonly headers: Headers | undefined;
  readonly body: unknown;

  constructor(
    message: string,
    fields: {
      status?: number;
      code?: string;
      param?: string;
      requestId?: string;
      headers?: Headers;
      body?: unknown;
      cause?: unknown;
    } = {},
  ) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.status = fields.status;
    this.code = fields.code;
    this.param = fields.param;
    this.requestId = fields.requestId;
    this.headers = fields.headers;
    this.body = fields.body;
  }

  /** Seconds the server asked to wait, from `Retry-After`. */
  get retryAfter(): number | undefined {
    return parseRetryAfter(this.headers?.get("retry-after") ?? null);
  }
}

/** The request never got an answer: refused, reset, DNS, TLS. */
export class APIConnectionError extends APIError {
  override name = "APIConnectionError";
  constructor(message = "Could not connect to the Leadex API.", cause?: unknown) {
    super(message, { cause });
  }
}

/** The request took longer than `timeout`. */
export class APITimeoutError extends APIConnectionError {
  override name = "APITimeoutError";
  constructor(message = "The request to the Leadex API timed out.") {
    super(message);
  }
}

/** 400: malformed JSON, a missing or mistyped parameter. */
export class BadRequestError extends APIError {
  override name = "BadRequestError";
}
/** 413: the request body is larger than the server accepts. */
export class PayloadTooLargeError extends BadRequestError {
  override name = "PayloadTooLargeError";
}
/** 401: missing, invalid, expired or revoked API key. */
export class AuthenticationError extends APIError {
  override name = "AuthenticationError";
}
/** 402: not enough credits, or the monthly budget is reached. */
export class InsufficientCreditsError extends APIError {
  override name = "InsufficientCreditsError";
}
/** 403: the key lacks the scope. */
export class PermissionDeniedError extends APIError {
  override name = "PermissionDeniedError";
}
/** 404: no such object in the key's organization. */
export class NotFoundError extends APIError {
  override name = "NotFoundError";
}
/** 409: an illegal state transition, or an idempotency key reused or still in use. */
export class ConflictError extends APIError {
  override name = "ConflictError";
}
/** 410: the object existed but is gone (an artifact's purged files). */
export class GoneError extends APIError {
  override name = "GoneError";
}
/** 422: well-formed but semantically invalid. */
export class UnprocessableEntityError extends APIError {
  override name = "UnprocessableEntityError";
}
/** 422 `plan_rejected`: the planner declined the prompt; the message says why. */
export class PlanRejectedError extends UnprocessableEntityError {
  override name = "PlanRejectedError";
}
/** 429: too many requests, jobs or streams; `retryAfter` says how long to wait. */
export class RateLimitError extends APIError {
  override name = "RateLimitError";
}
/** 5xx: the server failed; always carries a `requestId`. */
export class InternalServerError extends APIError {
  override name = "InternalServerError";
}
/** 503: the research engine or its database is briefly unavailable. */
export class ServiceUnavailableError extends InternalServerError {
  override name = "ServiceUnavailableError";
}
/** A step failed loudly (`job_halted`). */
export class JobHaltedError extends APIError {
  override name = "JobHaltedError";
}
/** An external CRM rejected a push (`integration_error`). */
export class IntegrationError extends APIError {
  override name = "IntegrationError";
}

type ErrorClass = new (message: string, fields: ConstructorParameters<typeof APIError>[1]) => APIError;

const BY_STATUS: Record<number, ErrorClass> = {
  400: BadRequestError,
  401: AuthenticationError,
  402: InsufficientCreditsError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  410: GoneError,
  413: PayloadTooLargeError,
  422: UnprocessableEntityError,
  429: RateLimitError,
  503: ServiceUnavailableError,
};

// Codes that name their class whatever the status; `invalid_request_error`, `conflict` and
// `internal_error` span statuses, so those follow the status.
const BY_CODE: Record<string, ErrorClass> = {
  authentication_error: AuthenticationError,
  permission_error: PermissionDeniedError,
  not_found: NotFoundError,
  insufficient_credits: InsufficientCreditsError,
  rate_limit_error: RateLimitError,
  plan_rejected: PlanRejectedError,
  job_halted: JobHaltedError,
  integration_error: IntegrationError,
};

/** `Retry-After` in seconds (delta-seconds or an HTTP date), or `undefined`. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const when = Date.parse(value);
  if (Number.isNaN(when)) return undefined;
  return Math.max(0, (when - Date.now()) / 1000);
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The error a failed response stands for, read from the envelope when there is one. */
export function errorFromResponse(status: number, headers: Headers, raw: string): APIError {
  let body: unknown = raw;
  try {
    body = JSON.parse(raw);
  } catch {
    // not JSON: a proxy's page, say; the text is the message
  }
  const envelope =
    body !== null && typeof body === "object" ? (body as { error?: unknown }).error : undefined;
  const fields = (
    envelope !== null && typeof envelope === "object" ? envelope : {}
  ) as Record<string, unknown>;
  const code = text(fields.code) ?? text(fields.type);
  const message =
    text(fields.message) ??
    (raw.trim() ? raw.trim().slice(0, 500) : `The API answered ${status}.`);
  const cls =
    (code ? BY_CODE[code] : undefined) ??
    BY_STATUS[status] ??
    (status >= 500 ? InternalServerError : APIError);
  return new cls(message, {
    status,
    code,
    param: text(fields.param),
    requestId: text(fields.request_id) ?? headers.get("x-request-id") ?? undefined,
    headers,
    body,
  });
}
