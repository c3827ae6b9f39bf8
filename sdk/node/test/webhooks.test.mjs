// Leadex.webhooks.verify against the spec's own verification function, run as printed.

import assert from "node:assert/strict";
import crypto from "node:crypto";
import { test } from "node:test";
import Leadex, { verifyWebhook } from "@leadex/sdk";

// The spec's function, verbatim ("Webhooks — signing", Verification (Node)).
function verify(req, secret) {
  const header = req.headers["leadex-signature"];
  const body = req.rawBody;
  const parts = Object.fromEntries(header.split(",").map(p => p.split("=")));
  const signed = `${parts.t}.${body.toString("utf8")}`;
  const mac = crypto.createHmac("sha256", secret).update(signed).digest("hex");
  const ok = crypto.timingSafeEqual(Buffer.from(mac), Buffer.from(parts.v1));
  const fresh = Math.abs(Date.now()/1000 - Number(parts.t)) < 300;
  return ok && fresh;
}

const hmac = (secret, t, body) => crypto.createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
const now = () => Math.floor(Date.now() / 1000);

test("verify agrees with the spec's function on fresh, stale, forged and altered deliveries", () => {
  const secret = "whsec_spec";
  const body = JSON.stringify({ id: "evt_1", type: "job.succeeded", data: { object: { id: "job_1", name: "Zoë — ünïcode" } } });
  const cases = [];
  for (const age of [0, 10, 299, 301, -299, -301, 3600]) {
    const t = now() - age;
    cases.push({ header: `t=${t},v1=${hmac(secret, t, body)}`, raw: Buffer.from(body) });
    cases.push({ header: `t=${t},v1=${hmac("whsec_other", t, body)}`, raw: Buffer.from(body) });
    cases.push({ header: `t=${t},v1=${hmac(secret, t, body)}`, raw: Buffer.from(body + " ") });
    cases.push({ header: `t=${t + 1},v1=${hmac(secret, t, body)}`, raw: Buffer.from(body) });
  }
  let accepted = 0;
  for (const { header, raw } of cases) {
    const req = { headers: { "leadex-signature": header }, rawBody: raw };
    const expected = verify(req, secret);
    assert.equal(Leadex.webhooks.verify(raw, req.headers, secret), expected, header);
    assert.equal(verifyWebhook(raw.toString("utf8"), new Headers(req.headers), secret), expected, header);
    accepted += expected ? 1 : 0;
  }
  assert.equal(accepted, 4); // ages 0, 10, 299 and -299, signed with the right secret
});

test("during a rotation either v1 verifies; the spec's function alone sees only the last", () => {
  const body = '{"type":"job.succeeded"}';
  const t = now();
  const header = `t=${t},v1=${hmac("whsec_old", t, body)},v1=${hmac("whsec_new", t, body)}`;
  const req = { headers: { "leadex-signature": header }, rawBody: Buffer.from(body) };
  assert.equal(verify(req, "whsec_new"), true);
  assert.equal(Leadex.webhooks.verify(req.rawBody, req.headers, "whsec_new"), true);
  assert.equal(Leadex.webhooks.verify(req.rawBody, req.headers, "whsec_old"), true);
  assert.equal(Leadex.webhooks.verify(req.rawBody, req.headers, "whsec_neither"), false);
  assert.equal(Leadex.webhooks.sign(body, ["whsec_old", "whsec_new"], t), header);
});

test("malformed signatures are false, never an exception", () => {
  const body = "{}";
  for (const header of ["", "t=1", "v1=abc", `t=${now()},v1=short`, "garbage", `t=x,v1=${hmac("s", "x", body)}`]) {
    assert.equal(Leadex.webhooks.verify(body, { "leadex-signature": header }, "s"), false, header);
  }
  assert.equal(Leadex.webhooks.verify(body, {}, "s"), false);
  const client = new Leadex({ apiKey: "sk_test_x", baseURL: "http://127.0.0.1:9" });
  assert.equal(client.webhooks.verify, Leadex.webhooks.verify);
});
