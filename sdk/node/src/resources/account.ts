/** Usage and budgets, API keys, members, and who the key is. */

import type { APIClient, RequestOptions } from "../core.js";
import { PagePromise } from "../pagination.js";
import type {
  ApiKey,
  ApiKeyCreateParams,
  ApiKeyListParams,
  Budget,
  BudgetUpdateParams,
  Me,
  Member,
  MemberInviteParams,
  MemberListParams,
  Organization,
  Usage as UsageObject,
  UsageParams,
} from "../types.js";

const id = encodeURIComponent;

export class Usage {
  constructor(private readonly client: APIClient) {}

  /** Credits and jobs for a period (`from`, `to`, `group_by`: day, thread or user). */
  retrieve(params: UsageParams = {}, options?: RequestOptions): Promise<UsageObject> {
    return this.client.request({ method: "GET", path: "usage", query: params, options });
  }

  getBudget(options?: RequestOptions): Promise<Budget> {
    return this.client.request({ method: "GET", path: "usage/budget", options });
  }

  setBudget(body: BudgetUpdateParams, options?: RequestOptions): Promise<Budget> {
    return this.client.request({ method: "PUT", path: "usage/budget", body, options });
  }
}

export class ApiKeys {
  constructor(private readonly client: APIClient) {}

  list(params: ApiKeyListParams = {}, options?: RequestOptions): PagePromise<ApiKey> {
    return new PagePromise(this.client, { method: "GET", path: "api-keys", query: params, options });
  }

  /** Mint a key; its `secret` is in this answer only. */
  create(body: ApiKeyCreateParams, options?: RequestOptions): Promise<ApiKey> {
    return this.client.request({ method: "POST", path: "api-keys", body, options });
  }

  /** Revoke a key at once. */
  revoke(keyId: string, options?: RequestOptions): Promise<ApiKey> {
    return this.client.request({ method: "DELETE", path: `api-keys/${id(keyId)}`, options });
  }

  /** The same as `revoke`: `DELETE /v1/api-keys/{key_id}`. */
  delete(keyId: string, options?: RequestOptions): Promise<ApiKey> {
    return this.revoke(keyId, options);
  }

  /** A new secret for the key; the old one stops at once. */
  rotate(keyId: string, options?: RequestOptions): Promise<ApiKey> {
    return this.client.request({ method: "POST", path: `api-keys/${id(keyId)}/rotate`, options });
  }
}

export class Members {
  constructor(private readonly client: APIClient) {}

  list(params: MemberListParams = {}, options?: RequestOptions): PagePromise<Member> {
    return new PagePromise(this.client, { method: "GET", path: "members", query: params, options });
  }

  /** Invite a user by email. */
  create(body: MemberInviteParams, options?: RequestOptions): Promise<Member> {
    return this.client.request({ method: "POST", path: "members", body, options });
  }
}

export class Account {
  constructor(private readonly client: APIClient) {}

  me(options?: RequestOptions): Promise<Me> {
    return this.client.request({ method: "GET", path: "me", options });
  }

  organization(options?: RequestOptions): Promise<Organization> {
    return this.client.request({ method: "GET", path: "organization", options });
  }
}
