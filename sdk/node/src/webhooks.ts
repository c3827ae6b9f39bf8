/** Webhook signatures: the spec's verification function, accepting every `v1` during a rotation. */

import { createHmac, timingSafeEqual } from "node:crypto";

/** The headers of a delivery: Node's `req.headers`, a `Headers`, or the signature itself. */
export type SignatureHeaders =
  | Headers
  | Record<string, string | string[] | undefined>
  | string;

export interface VerifyOptions {
  /** Seconds a delivery stays fresh (default 300, the spec's). */
  toleranceSeconds?: number;
  /** Unix seconds to check freshness against (default now). */
  now?: number;
}

function signatureHeader(headers: SignatureHeaders): string | undefined {
  if (typeof headers === "string") return headers;
  if (typeof (headers as Headers).get === "function") {
    return (headers as Headers).get("leadex-signature") ?? undefined;
  }
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((name) => name.toLowerCase() === "leadex-signature");
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value.join(",") : value;
}

function bodyText(rawBody: string | Uint8Array | ArrayBuffer): string {
  if (typeof rawBody === "string") return rawBody;
  const bytes = rawBody instanceof ArrayBuffer ? new Uint8Array(rawBody) : rawBody;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
}

/**
 * True when `Leadex-Signature` (`t=<ts>,v1=<hmac>[,v1=<hmac>…]`) signs `rawBody` with `secret`
 * and `t` is within five minutes of now: the HMAC-SHA256 of `${t}.${body}`, hex, compared in
 * constant time. During a secret rotation a delivery carries one `v1` per secret; either may match.
 * Pass the raw bytes as received, before any JSON parsing.
 */
export function verify(
  rawBody: string | Uint8Array | ArrayBuffer,
  headers: SignatureHeaders,
  secret: string,
  options: VerifyOptions = {},
): boolean {
  const header = signatureHeader(headers);
  if (!header || !secret) return false;
  let timestamp: string | undefined;
  const candidates: string[] = [];
  for (const part of header.split(",")) {
    const [name, value] = part.trim().split("=");
    if (name === "t") timestamp = value;
    else if (name === "v1" && value) candidates.push(value);
  }
  if (timestamp === undefined || candidates.length === 0) return false;
  const signed = `${timestamp}.${bodyText(rawBody)}`;
  const mac = Buffer.from(createHmac("sha256", secret).update(signed).digest("hex"));
  let ok = false;
  for (const candidate of candidates) {
    const given = Buffer.from(candidate);
    // Every candidate is compared, so the time taken does not say which one matched.
    if (given.length === mac.length && timingSafeEqual(mac, given)) ok = true;
  }
  const now = options.now ?? Date.now() / 1000;
  const fresh = Math.abs(now - Number(timestamp)) < (options.toleranceSeconds ?? 300);
  return ok && fresh;
}

/** `t=<ts>,v1=<hmac>` for `rawBody`, as Leadex signs deliveries: for tests and local tools. */
export function sign(rawBody: string | Uint8Array, secrets: string | string[], timestamp?: number): string {
  const t = String(timestamp ?? Math.floor(Date.now() / 1000));
  const signed = `${t}.${bodyText(rawBody)}`;
  const macs = (Array.isArray(secrets) ? secrets : [secrets]).map(
    (secret) => `v1=${createHmac("sha256", secret).update(signed).digest("hex")}`,
  );
  return [`t=${t}`, ...macs].join(",");
}
