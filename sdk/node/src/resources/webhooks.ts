/** Webhook endpoints (typed from the spec; this server does not serve them yet) and the
 * signature check, which needs no server. */

import type { APIClient, RequestOptions } from "../core.js";
import { PagePromise } from "../pagination.js";
import type { Deleted, WebhookCreateParams, WebhookEndpoint, WebhookUpdateParams } from "../types.js";
import { sign, verify } from "../webhooks.js";

const id = encodeURIComponent;

export class Webhooks {
  /** The signature check: `leadex.webhooks.verify(req.rawBody, req.headers, secret)`. */
  readonly verify = verify;
  readonly sign = sign;

  constructor(private readonly client: APIClient) {}

  list(options?: RequestOptions): PagePromise<WebhookEndpoint> {
    return new PagePromise(this.client, { method: "GET", path: "webhooks", options });
  }

  /** Register an endpoint; its `signing_secret` is in this answer only. */
  create(body: WebhookCreateParams, options?: RequestOptions): Promise<WebhookEndpoint> {
    return this.client.request({ method: "POST", path: "webhooks", body, options });
  }

  update(webhookId: string, body: WebhookUpdateParams, options?: RequestOptions): Promise<WebhookEndpoint> {
    return this.client.request({ method: "POST", path: `webhooks/${id(webhookId)}`, body, options });
  }

  delete(webhookId: string, options?: RequestOptions): Promise<Deleted> {
    return this.client.request({ method: "DELETE", path: `webhooks/${id(webhookId)}`, options });
  }

  /** A new signing secret (returned once). */
  rotate(webhookId: string, options?: RequestOptions): Promise<WebhookEndpoint> {
    return this.client.request({ method: "POST", path: `webhooks/${id(webhookId)}/rotate`, options });
  }

  /** Send a test delivery to the endpoint. */
  test(webhookId: string, options?: RequestOptions): Promise<unknown> {
    return this.client.request({ method: "POST", path: `webhooks/${id(webhookId)}/test`, options });
  }
}
