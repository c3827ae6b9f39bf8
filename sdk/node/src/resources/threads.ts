/** Threads, their messages, and plans. */

import type { APIClient, RequestOptions } from "../core.js";
import { PagePromise } from "../pagination.js";
import type {
  Deleted,
  Message,
  MessageCreateParams,
  MessageCreateResponse,
  MessageListParams,
  Plan,
  ReplanParams,
  Thread,
  ThreadCreateParams,
  ThreadDeleteParams,
  ThreadListParams,
  ThreadUpdateParams,
} from "../types.js";

const id = encodeURIComponent;

export class Threads {
  constructor(private readonly client: APIClient) {}

  create(body: ThreadCreateParams = {}, options?: RequestOptions): Promise<Thread> {
    return this.client.request({ method: "POST", path: "threads", body, options });
  }

  retrieve(threadId: string, options?: RequestOptions): Promise<Thread> {
    return this.client.request({ method: "GET", path: `threads/${id(threadId)}`, options });
  }

  update(threadId: string, body: ThreadUpdateParams, options?: RequestOptions): Promise<Thread> {
    return this.client.request({ method: "POST", path: `threads/${id(threadId)}`, body, options });
  }

  /** Threads, most recent first; `for await` walks every page. */
  list(params: ThreadListParams = {}, options?: RequestOptions): PagePromise<Thread> {
    return new PagePromise(this.client, { method: "GET", path: "threads", query: params, options });
  }

  /** Delete a thread and everything in it (`{ force: true }` stops its running job first). */
  delete(threadId: string, params: ThreadDeleteParams = {}, options?: RequestOptions): Promise<Deleted> {
    return this.client.request({ method: "DELETE", path: `threads/${id(threadId)}`, query: params, options });
  }
}

export class Messages {
  constructor(private readonly client: APIClient) {}

  /** Post a user message; the planner drafts a plan attached to a new pending job. */
  create(threadId: string, body: MessageCreateParams, options?: RequestOptions): Promise<MessageCreateResponse> {
    return this.client.request({ method: "POST", path: `threads/${id(threadId)}/messages`, body, options });
  }

  /** A thread's messages, oldest first. */
  list(threadId: string, params: MessageListParams = {}, options?: RequestOptions): PagePromise<Message> {
    return new PagePromise(this.client, { method: "GET", path: `threads/${id(threadId)}/messages`, query: params, options });
  }
}

export class Plans {
  constructor(private readonly client: APIClient) {}

  retrieve(planId: string, options?: RequestOptions): Promise<Plan> {
    return this.client.request({ method: "GET", path: `plans/${id(planId)}`, options });
  }

  /** Redo a plan with feedback: a new plan and pending job, as `messages.create` answers. */
  replan(planId: string, body: ReplanParams, options?: RequestOptions): Promise<MessageCreateResponse> {
    return this.client.request({ method: "POST", path: `plans/${id(planId)}/replan`, body, options });
  }
}
