/** `Leadex`: the client and its resources, as the spec names them. */

import { APIClient, type ClientOptions, type RequestOptions } from "./core.js";
import { Account, ApiKeys, Members, Usage } from "./resources/account.js";
import { Artifacts } from "./resources/artifacts.js";
import { Jobs } from "./resources/jobs.js";
import { Schedules } from "./resources/schedules.js";
import { Messages, Plans, Threads } from "./resources/threads.js";
import { Webhooks } from "./resources/webhooks.js";
import type { SearchParams, SearchResponse, SearchResult } from "./types.js";
import { sign, verify } from "./webhooks.js";

// A synchronous search answers when its job ends (or with 202 once the server stops waiting).
const SYNC_SEARCH_TIMEOUT_MS = 30 * 60_000;

/**
 * The Leadex API client.
 *
 * ```ts
 * import Leadex from "@leadex/sdk";
 * const leadex = new Leadex(); // reads LEADEX_API_KEY and LEADEX_BASE_URL
 * const thread = await leadex.threads.create({ title: "Series A FinTech in EU" });
 * ```
 */
export class Leadex extends APIClient {
  /** The signature check for webhook deliveries, usable without a client. */
  static readonly webhooks = { verify, sign };

  readonly threads: Threads;
  readonly messages: Messages;
  readonly plans: Plans;
  readonly jobs: Jobs;
  readonly artifacts: Artifacts;
  readonly webhooks: Webhooks;
  readonly usage: Usage;
  readonly apiKeys: ApiKeys;
  readonly members: Members;
  readonly account: Account;
  readonly schedules: Schedules;

  constructor(options: ClientOptions = {}) {
    super(options);
    this.threads = new Threads(this);
    this.messages = new Messages(this);
    this.plans = new Plans(this);
    this.jobs = new Jobs(this);
    this.artifacts = new Artifacts(this);
    this.webhooks = new Webhooks(this);
    this.usage = new Usage(this);
    this.apiKeys = new ApiKeys(this);
    this.members = new Members(this);
    this.account = new Account(this);
    this.schedules = new Schedules(this);
  }

  /** A client with other settings and the same key and base URL. */
  withOptions(options: ClientOptions): Leadex {
    return new Leadex({
      apiKey: this.apiKey,
      baseURL: this.baseURL,
      maxRetries: this.maxRetries,
      timeout: this.timeout,
      defaultHeaders: this.defaultHeaders,
      fetch: this.fetchImpl,
      ...options,
    });
  }

  /**
   * Plan, auto-approve and run a prompt in one call; the leads come back inline. With
   * `format: "csv"` the CSV comes along as `result.csv` (and `result.file`, also for xlsx);
   * `wait: "async"` answers at once with the job's id.
   */
  async search(params: SearchParams, options: RequestOptions = {}): Promise<SearchResult> {
    // The leads always come back as JSON; a CSV or XLSX is fetched from the artifact after.
    const { format, ...rest } = params;
    const result: SearchResult = await this.request<SearchResponse>({
      method: "POST",
      path: "search",
      body: { ...rest, format: "json" },
      options: { timeout: rest.wait === "async" ? undefined : SYNC_SEARCH_TIMEOUT_MS, ...options },
    });
    if ((format === "csv" || format === "xlsx") && result.artifact) {
      result.file = await this.artifacts.download(result.artifact.id, { format }, { signal: options.signal });
      if (format === "csv") result.csv = result.file.text();
    }
    return result;
  }
}
