/** A job's server-sent events, resumed with `Last-Event-ID` after a drop. */

import type { components } from "./openapi.js";
import { APIConnectionError, APIError } from "./errors.js";
import { backoff, sleep, type APIClient, type RequestOptions } from "./core.js";

type Schemas = components["schemas"];

interface EventBase<T extends string, D> {
  /** The id to resume after. */
  id: string | null;
  type: T;
  data: D;
}

export type LogEvent = EventBase<"log", Schemas["LogEventData"]>;
export type StepEvent = EventBase<"step", Schemas["StepEventData"]>;
export type ResultEvent = EventBase<"result", Schemas["ResultEventData"]>;
export type ArtifactEvent = EventBase<"artifact", Schemas["ArtifactEventData"]>;
/** The job ended; the stream ends after it. */
export type TerminalEvent = EventBase<"done" | "error" | "stopped", Schemas["TerminalEventData"]>;
export type JobEvent = LogEvent | StepEvent | ResultEvent | ArtifactEvent | TerminalEvent;

export const TERMINAL_TYPES: ReadonlySet<string> = new Set(["done", "error", "stopped"]);

// How long a connection may stay silent (the server pings every 20 s) before it counts as dropped.
const IDLE_TIMEOUT_MS = 90_000;

export interface StreamOptions extends RequestOptions {
  /** Resume after this event (the `id` of the last event you handled). */
  lastEventId?: string | undefined;
}

/** Turns the lines of a `text/event-stream` body into events. */
export class SSEDecoder {
  private id: string | null = null;
  private lastId: string | null = null;
  private event: string | null = null;
  private data: string[] = [];

  /** One line in (without its end); a complete event out when the line ends one. */
  feed(line: string): { id: string | null; event: string; data: string } | null {
    if (line === "") {
      if (this.data.length === 0 && this.event === null) return null;
      const done = { id: this.id ?? this.lastId, event: this.event ?? "message", data: this.data.join("\n") };
      this.lastId = done.id;
      this.id = null;
      this.event = null;
      this.data = [];
      return done;
    }
    if (line.startsWith(":")) return null; // a heartbeat comment
    const colon = line.indexOf(":");
    const name = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (name === "data") this.data.push(value);
    else if (name === "event") this.event = value;
    else if (name === "id" && !value.includes("\0")) this.id = value;
    return null;
  }
}

/** The lines of a byte stream, split on `\r\n`, `\n` or `\r`. */
async function* lines(body: ReadableStream<Uint8Array>, idleMs: number): AsyncGenerator<string> {
  const reader = body.getReader();
  const text = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const silence = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new APIConnectionError("The event stream went silent.")), idleMs);
      });
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await Promise.race([reader.read(), silence]);
      } finally {
        clearTimeout(timer);
      }
      if (chunk.done) return;
      buffer += text.decode(chunk.value, { stream: true });
      let match: RegExpExecArray | null;
      const splitter = /\r\n|\n|\r(?!$)/g;
      let start = 0;
      while ((match = splitter.exec(buffer)) !== null) {
        yield buffer.slice(start, match.index);
        start = match.index + match[0].length;
      }
      buffer = buffer.slice(start);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

function parseData(raw: string): unknown {
  try {
    return raw ? JSON.parse(raw) : null;
  } catch {
    return raw;
  }
}

/**
 * `for await (const event of leadex.jobs.stream(jobId))`: every event once, in order, across
 * reconnects; the loop ends after `done`, `error` or `stopped`.
 */
export class JobStream implements AsyncIterable<JobEvent> {
  private last: string | null;
  private controller: AbortController | null = null;
  private closed = false;

  constructor(
    private readonly client: APIClient,
    private readonly jobId: string,
    private readonly options: StreamOptions = {},
  ) {
    this.last = options.lastEventId ?? null;
  }

  /** The id of the last event delivered: pass it as `lastEventId` to resume elsewhere. */
  get lastEventId(): string | null {
    return this.last;
  }

  /** Close the connection; the loop over the stream ends. */
  close(): void {
    this.closed = true;
    this.controller?.abort();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<JobEvent> {
    let drops = 0;
    while (!this.closed) {
      this.controller = new AbortController();
      const signal = linked(this.controller, this.options.signal);
      try {
        const headers: Record<string, string> = { "Cache-Control": "no-cache", ...this.options.headers };
        if (this.last) headers["Last-Event-ID"] = this.last;
        const { response } = await this.client.send({
          method: "GET",
          path: `jobs/${encodeURIComponent(this.jobId)}/stream`,
          accept: "text/event-stream",
          streaming: true,
          options: { ...this.options, headers, signal },
        });
        if (!response.body) throw new APIConnectionError("The event stream has no body.");
        const decoder = new SSEDecoder();
        for await (const line of lines(response.body, IDLE_TIMEOUT_MS)) {
          const item = decoder.feed(line);
          if (item === null) continue;
          const event = { id: item.id, type: item.event, data: parseData(item.data) } as JobEvent;
          if (event.id) this.last = event.id;
          drops = 0;
          yield event;
          if (TERMINAL_TYPES.has(event.type)) return;
        }
      } catch (error) {
        if (this.closed || this.options.signal?.aborted) return;
        if (!isDrop(error)) throw error;
      } finally {
        this.controller.abort();
      }
      if (this.closed) return;
      drops += 1;
      const retries = this.options.maxRetries ?? this.client.maxRetries;
      if (drops > retries + 1) {
        throw new APIConnectionError(
          `The event stream kept dropping; resume with lastEventId ${JSON.stringify(this.last)}.`,
        );
      }
      await sleep(backoff(drops), this.options.signal);
    }
  }
}

// A connection reset mid-body surfaces from the web stream as a TypeError ("terminated"); a
// reconnect the server turned away for now (429, 5xx, after their own retries) is a drop too.
function isDrop(error: unknown): boolean {
  if (error instanceof APIConnectionError) return true;
  if (error instanceof APIError) return error.status !== undefined && (error.status === 429 || error.status >= 500);
  return error instanceof TypeError || (error instanceof Error && error.name === "AbortError");
}

// AbortSignal.any arrived in Node 20.3; the caller's signal aborts this connection's controller.
function linked(controller: AbortController, outer: AbortSignal | undefined): AbortSignal {
  if (outer) {
    if (outer.aborted) controller.abort(outer.reason);
    else outer.addEventListener("abort", () => controller.abort(outer.reason), { once: true });
  }
  return controller.signal;
}
