/** The API's objects and request bodies, from the served OpenAPI document (src/openapi.ts is
 * generated from it; a test regenerates it from a running server and compares). */

import type { components, operations } from "./openapi.js";

type Schemas = components["schemas"];

/** Fields the server defaults are optional in what you send. */
type Defaulted<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;
type QueryOf<Op extends keyof operations> = operations[Op]["parameters"] extends { query?: infer Q }
  ? NonNullable<Q>
  : never;

export type Thread = Schemas["ThreadObject"];
export type Message = Schemas["MessageObject"];
export type Plan = Schemas["PlanObject"];
export type PlanStep = Schemas["PlanStepObject"];
export type Job = Schemas["JobObject"];
export type JobSummary = Schemas["JobSummary"];
export type LogEntry = Schemas["LogEntry"];
export type Lead = Schemas["LeadObject"];
export type Artifact = Schemas["ArtifactObject"];
export type MessageCreateResponse = Schemas["MessageCreateResponse"];
export type SearchResponse = Schemas["SearchResponse"];
export type Schedule = Schemas["ScheduleObject"];
export type ApiKey = Schemas["ApiKeyObject"];
export type Member = Schemas["MemberObject"];
export type Usage = Schemas["UsageObject"];
export type Budget = Schemas["BudgetObject"];
export type Me = Schemas["MeObject"];
export type Organization = Schemas["OrganizationObject"];
export type Deleted = Schemas["DeletedObject"];
export type ErrorEnvelope = Schemas["ErrorEnvelope"];

export type ThreadCreateParams = Schemas["ThreadCreate"];
export type ThreadUpdateParams = Schemas["ThreadUpdate"];
export type ThreadListParams = QueryOf<"threads_list">;
export type ThreadDeleteParams = QueryOf<"threads_delete">;
export type MessageCreateParams = Defaulted<Schemas["MessageCreate"], "auto_approve">;
export type MessageListParams = QueryOf<"messages_list">;
export type ReplanParams = Schemas["ReplanRequest"];
export type ApproveParams = Schemas["ApproveRequest"];
export type StopParams = Schemas["StopJobRequest"];
export type JobListParams = QueryOf<"jobs_list">;
export type JobLogsParams = QueryOf<"jobs_logs">;
export type JobLeadsParams = QueryOf<"jobs_leads">;
export type ArtifactRetrieveParams = QueryOf<"artifacts_retrieve">;
export type ArtifactListParams = QueryOf<"artifacts_list">;
export type ArtifactUpdateParams = Schemas["ShareUpdate"];
export type SearchParams = Defaulted<Schemas["SearchRequest"], "max_rows" | "wait" | "format">;
export type ScheduleCreateParams = Defaulted<
  Schemas["ScheduleCreate"],
  Extract<keyof Schemas["ScheduleCreate"], "overlap" | "exclude_previous" | "timezone" | "paused">
>;
export type ScheduleUpdateParams = Schemas["ScheduleUpdate"];
export type ScheduleListParams = QueryOf<"schedules_list">;
export type PauseParams = Schemas["PauseRequest"];
export type ApiKeyCreateParams = Defaulted<Schemas["ApiKeyCreate"], Extract<keyof Schemas["ApiKeyCreate"], "scopes" | "kind">>;
export type ApiKeyListParams = QueryOf<"api_keys_list">;
export type MemberInviteParams = Defaulted<Schemas["MemberInvite"], Extract<keyof Schemas["MemberInvite"], "role">>;
export type MemberListParams = QueryOf<"members_list">;
export type UsageParams = QueryOf<"usage_retrieve">;
export type BudgetUpdateParams = Schemas["BudgetUpdate"];

/** A search's answer; with `format: "csv"` (or `"xlsx"`) the file comes along. */
export type SearchResult = SearchResponse & {
  /** The CSV text, when the search asked for `format: "csv"`. */
  csv?: string;
  /** The downloaded file, when the search asked for `format: "csv"` or `"xlsx"`. */
  file?: import("./resources/artifacts.js").ArtifactFile;
};

// What the spec documents and this server does not serve yet: typed from the spec's text.

/** `POST /v1/jobs/{job_id}/push` (spec: Integrations). */
export interface PushParams {
  provider: string;
  mode?: "contacts" | "companies" | "both";
  list_id?: string | null;
  mapping?: Record<string, string> | null;
  dry_run?: boolean;
}

export interface PushResult {
  push_id: string;
  provider: string;
  created: number;
  updated: number;
  skipped: number;
  errors: unknown[];
  list_id: string | null;
  list_url: string | null;
}

/** A webhook endpoint (spec: Webhook endpoints). */
export interface WebhookEndpoint {
  id: string;
  object?: "webhook_endpoint";
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  /** Returned once, on create and rotate. */
  signing_secret?: string | null;
  created_at?: string;
}

export interface WebhookCreateParams {
  url: string;
  events?: string[];
  description?: string | null;
  enabled?: boolean;
}

export type WebhookUpdateParams = Partial<WebhookCreateParams>;

/** What a webhook delivery's body holds. */
export interface WebhookEvent<T = Record<string, unknown>> {
  id: string;
  type: string;
  created_at: string;
  livemode: boolean;
  data: { object: T };
}
