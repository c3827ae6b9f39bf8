/** Jobs: approve, stop, read, stream, logs, leads, summary, push. */

import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import type { APIClient, RequestOptions } from "../core.js";
import { PagePromise } from "../pagination.js";
import { JobStream, type StreamOptions } from "../streaming.js";
import type {
  ApproveParams,
  Job,
  JobLeadsParams,
  JobListParams,
  JobLogsParams,
  JobSummary,
  Lead,
  LogEntry,
  PushParams,
  PushResult,
  StopParams,
} from "../types.js";

const id = encodeURIComponent;

export class Jobs {
  constructor(private readonly client: APIClient) {}

  /** Start a pending job (`max_credits` caps it; `webhook_url` gets its events). */
  approve(jobId: string, body: ApproveParams = {}, options?: RequestOptions): Promise<Job> {
    return this.client.request({ method: "POST", path: `jobs/${id(jobId)}/approve`, body, options });
  }

  /** Stop a running job; what it found so far becomes a partial artifact. */
  stop(jobId: string, body: StopParams = {}, options?: RequestOptions): Promise<Job> {
    return this.client.request({ method: "POST", path: `jobs/${id(jobId)}/stop`, body, options });
  }

  retrieve(jobId: string, options?: RequestOptions): Promise<Job> {
    return this.client.request({ method: "GET", path: `jobs/${id(jobId)}`, options });
  }

  /** Jobs across the organization (`status: "running"`, `thread_id`, `created_after`, …). */
  list(params: JobListParams = {}, options?: RequestOptions): PagePromise<Job> {
    return new PagePromise(this.client, { method: "GET", path: "jobs", query: params, options });
  }

  /** `for await (const event of leadex.jobs.stream(id))`: reconnects with `Last-Event-ID`
   * after a drop, never loses or repeats an event, ends after `done`, `error` or `stopped`. */
  stream(jobId: string, options: StreamOptions = {}): JobStream {
    return new JobStream(this.client, jobId, options);
  }

  /** The stream's bytes as a Node `Readable`, to pipe through your own server unchanged. */
  async streamRaw(jobId: string, options: StreamOptions = {}): Promise<Readable> {
    const headers: Record<string, string> = { "Cache-Control": "no-cache", ...options.headers };
    if (options.lastEventId) headers["Last-Event-ID"] = options.lastEventId;
    const { response } = await this.client.send({
      method: "GET",
      path: `jobs/${id(jobId)}/stream`,
      accept: "text/event-stream",
      streaming: true,
      options: { ...options, headers },
    });
    if (!response.body) return Readable.from([]);
    return Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>);
  }

  /** Every log entry the stream carried, as JSON. */
  logs(jobId: string, params: JobLogsParams = {}, options?: RequestOptions): PagePromise<LogEntry> {
    return new PagePromise(this.client, { method: "GET", path: `jobs/${id(jobId)}/logs`, query: params, options });
  }

  /** The job's leads (`min_confidence`, `has_field: ["person.email"]`, `order`). */
  leads(jobId: string, params: JobLeadsParams = {}, options?: RequestOptions): PagePromise<Lead> {
    return new PagePromise(this.client, { method: "GET", path: `jobs/${id(jobId)}/leads`, query: params, options });
  }

  summary(jobId: string, options?: RequestOptions): Promise<JobSummary> {
    return this.client.request({ method: "GET", path: `jobs/${id(jobId)}/summary`, options });
  }

  /** Push a succeeded job's leads to a connected CRM (typed from the spec; this server does not
   * serve pushes yet and answers 404). */
  push(jobId: string, body: PushParams, options?: RequestOptions): Promise<PushResult> {
    return this.client.request({ method: "POST", path: `jobs/${id(jobId)}/push`, body, options });
  }
}
