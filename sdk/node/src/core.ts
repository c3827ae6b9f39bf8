/** The request loop every resource shares: URLs, headers, timeouts, retries, idempotency. */

import {
  APIConnectionError,
  APIError,
  APITimeoutError,
  LeadexError,
  errorFromResponse,
  parseRetryAfter,
} from "./errors.js";
import { VERSION } from "./version.js";

export const DEFAULT_BASE_URL = "https://api.leadex.cc/v1";
export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_TIMEOUT_MS = 60_000;
const INITIAL_RETRY_DELAY_MS = 500;
const MAX_RETRY_DELAY_MS = 8_000;
// A Retry-After longer than this (a daily plan limit, say) is not waited out silently.
const MAX_RETRY_AFTER_MS = 60_000;
const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export interface ClientOptions {
  /** Defaults to `process.env.LEADEX_API_KEY`. */
  apiKey?: string | undefined;
  /** Defaults to `process.env.LEADEX_BASE_URL`, then `https://api.leadex.cc/v1`; a bare
   * `http://host:8000` means `http://host:8000/v1`. */
  baseURL?: string | undefined;
  /** Retries after a connection error, 408, 429 or 5xx (default 2). */
  maxRetries?: number | undefined;
  /** Milliseconds before a request is abandoned (default 60 000). */
  timeout?: number | undefined;
  /** Headers sent with every request. */
  defaultHeaders?: Record<string, string> | undefined;
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof fetch | undefined;
}

/** Per-call settings, the last argument of every method. */
export interface RequestOptions {
  /** The `Idempotency-Key` of a write; one is generated (and reused across retries) if omitted. */
  idempotencyKey?: string | undefined;
  timeout?: number | undefined;
  maxRetries?: number | undefined;
  signal?: AbortSignal | undefined;
  headers?: Record<string, string> | undefined;
}

export type Query = Record<string, string | number | boolean | readonly string[] | null | undefined>;

export interface Call {
  method: string;
  path: string;
  query?: Query | undefined;
  body?: unknown;
  options?: RequestOptions | undefined;
  /** Sends no API key: for signed download links, which are their own authorization. */
  anonymous?: boolean;
  accept?: string;
  /** The timeout covers only the response's headers; the caller reads the body itself. */
  streaming?: boolean;
}

function env(name: string): string | undefined {
  const value = typeof process === "undefined" ? undefined : process.env[name];
  return value && value.trim() ? value.trim() : undefined;
}

/** The API root with its version: a bare `http://host:8000` means `…/v1`. */
export function normalizeBaseURL(value: string): string {
  const url = new URL(value.trim());
  let path = url.pathname.replace(/\/+$/, "");
  if (path === "") path = "/v1";
  url.pathname = path;
  url.search = "";
  url.hash = "";
  return url.toString().replace(/\/+$/, "");
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Milliseconds before retry `attempt` (1-based): 0.5 s doubling up to 8 s, minus up to 25 % jitter. */
export function backoff(attempt: number): number {
  const delay = Math.min(INITIAL_RETRY_DELAY_MS * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS);
  return delay * (1 - 0.25 * Math.random());
}

function retryable(status: number, headers: Headers, raw: string): boolean {
  if (status === 409) return idempotencyKeyInUse(headers, raw);
  return status === 408 || status === 429 || status >= 500;
}

// A 409 for a key whose first request is still in flight says so with Retry-After; a key
// reused with another body does not, and retrying cannot help.
function idempotencyKeyInUse(headers: Headers, raw: string): boolean {
  if (!headers.has("retry-after")) return false;
  try {
    const param = JSON.parse(raw)?.error?.param;
    return typeof param === "string" && param.toLowerCase() === "idempotency-key";
  } catch {
    return false;
  }
}

function querystring(query: Query | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) params.append(name, String(item));
    else params.append(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** Settings and the retry loop; the `Leadex` client adds the resources. */
export class APIClient {
  readonly apiKey: string;
  readonly baseURL: string;
  readonly maxRetries: number;
  readonly timeout: number;
  protected readonly defaultHeaders: Record<string, string>;
  protected readonly fetchImpl: typeof fetch;

  constructor(options: ClientOptions = {}) {
    const apiKey = options.apiKey ?? env("LEADEX_API_KEY");
    if (!apiKey) {
      throw new LeadexError("No API key: pass { apiKey } or set LEADEX_API_KEY.");
    }
    this.apiKey = apiKey;
    this.baseURL = normalizeBaseURL(options.baseURL ?? env("LEADEX_BASE_URL") ?? DEFAULT_BASE_URL);
    const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    if (!Number.isInteger(maxRetries) || maxRetries < 0) {
      throw new LeadexError("maxRetries must be a whole number, 0 or more.");
    }
    this.maxRetries = maxRetries;
    this.timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
    this.defaultHeaders = { ...(options.defaultHeaders ?? {}) };
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== "function") {
      throw new LeadexError("No fetch: @leadex/sdk needs Node 20 or later.");
    }
    this.fetchImpl = fetchImpl;
  }

  /** The absolute URL of an API path (absolute URLs, such as signed links, pass through). */
  url(path: string, query?: Query): string {
    const base = /^https?:\/\//.test(path) ? path : `${this.baseURL}/${path.replace(/^\/+/, "")}`;
    return base + querystring(query);
  }

  /** A call's JSON answer, after retries. */
  async request<T>(call: Call): Promise<T> {
    const { raw } = await this.send({ ...call }, true);
    return (raw ? JSON.parse(raw) : undefined) as T;
  }

  /** A call's successful response, after retries; `readBody` reads it within the timeout. */
  async send(call: Call, readBody: true): Promise<{ response: Response; raw: string }>;
  async send(call: Call, readBody?: false): Promise<{ response: Response; raw: undefined }>;
  async send(call: Call, readBody = false): Promise<{ response: Response; raw: string | undefined }> {
    const method = call.method.toUpperCase();
    const options = call.options ?? {};
    const maxRetries = options.maxRetries ?? this.maxRetries;
    // One key per write, made once and reused across that write's retries.
    const idempotencyKey =
      options.idempotencyKey ??
      (WRITE_METHODS.has(method) ? `leadex-node-${globalThis.crypto.randomUUID()}` : undefined);
    const headers: Record<string, string> = {
      Accept: call.accept ?? "application/json",
      "User-Agent": `leadex-node/${VERSION}`,
      ...this.defaultHeaders,
    };
    if (!call.anonymous) headers.Authorization = `Bearer ${this.apiKey}`;
    if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
    let body: string | undefined;
    if (call.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(call.body);
    }
    Object.assign(headers, options.headers ?? {});
    const url = this.url(call.path, call.query);
    const timeout = options.timeout ?? this.timeout;

    for (let attempt = 1; ; attempt++) {
      const retriesLeft = attempt <= maxRetries;
      const controller = new AbortController();
      const onAbort = () => controller.abort(options.signal?.reason);
      options.signal?.addEventListener("abort", onAbort, { once: true });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeout);
      let response: Response;
      let raw: string | undefined;
      try {
        response = await this.fetchImpl(url, { method, headers, body, signal: controller.signal });
        if (readBody || !response.ok) raw = await response.text();
      } catch (error) {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        if (options.signal?.aborted) throw error;
        const failure = timedOut
          ? new APITimeoutError()
          : new APIConnectionError(
              `Could not reach the Leadex API at ${url}: ${describe(error)}.`,
              error,
            );
        if (!retriesLeft) throw failure;
        await sleep(backoff(attempt), options.signal);
        continue;
      }
      // A stream's body outlives the timeout: its reader watches for silence instead.
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      if (response.ok) return { response, raw };
      const text = raw ?? "";
      if (retriesLeft && retryable(response.status, response.headers, text)) {
        const asked = parseRetryAfter(response.headers.get("retry-after"));
        if (asked === undefined || asked * 1000 <= MAX_RETRY_AFTER_MS) {
          await sleep(asked === undefined ? backoff(attempt) : asked * 1000, options.signal);
          continue;
        }
      }
      throw errorFromResponse(response.status, response.headers, text);
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof Error && cause.message) return `${error.message} (${cause.message})`;
    return error.message || error.name;
  }
  return String(error);
}

export { APIError };
