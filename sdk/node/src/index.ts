/** @leadex/sdk: the Leadex API client for Node.js 20 and later. */

import { Leadex } from "./client.js";

export { Leadex };
export default Leadex;
export type { ClientOptions, RequestOptions } from "./core.js";
export * from "./errors.js";
export { Page, PagePromise } from "./pagination.js";
export { ArtifactFile } from "./resources/artifacts.js";
export { JobStream, SSEDecoder } from "./streaming.js";
export type {
  ArtifactEvent,
  JobEvent,
  LogEvent,
  ResultEvent,
  StepEvent,
  StreamOptions,
  TerminalEvent,
} from "./streaming.js";
export type * from "./types.js";
export type { components, operations, paths } from "./openapi.js";
export { sign as signWebhook, verify as verifyWebhook } from "./webhooks.js";
export type { SignatureHeaders, VerifyOptions } from "./webhooks.js";
export { VERSION } from "./version.js";
