// Retries: a write whose answer is lost is retried under the same Idempotency-Key and acts
// once (against the real server); the statuses a real server cannot produce on demand come
// from a scripted server on loopback.

import assert from "node:assert/strict";
import { test } from "node:test";
import Leadex, {
  APIConnectionError,
  APITimeoutError,
  ConflictError,
  InternalServerError,
  RateLimitError,
  ServiceUnavailableError,
} from "@leadex/sdk";
import { body, client, draft, listen, org, tcpProxy, waitForStart } from "./helpers.mjs";

test("a write whose answer is lost is retried with the same key and acts once", async () => {
  // The first connection reaches the server, which does the work; its answer never arrives.
  const proxy = await tcpProxy({ cutResponseAfter: (index) => (index === 0 ? 0 : undefined) });
  try {
    const lossy = new Leadex({ apiKey: org(0).test, baseURL: proxy.url });
    const thread = await lossy.threads.create({ title: "created once" });
    assert.equal(proxy.connections(), 2);
    const threads = [];
    for await (const item of client(0).threads.list()) threads.push(item);
    assert.deepEqual(threads.map((t) => t.id), [thread.id]);
  } finally {
    await proxy.close();
  }
});

test("an approve whose answer is lost is replayed, not refused as a second approve", async () => {
  const leadex = client(1);
  const { job } = await draft(leadex);
  const proxy = await tcpProxy({ cutResponseAfter: (index) => (index === 0 ? 0 : undefined) });
  try {
    const lossy = new Leadex({ apiKey: org(1).test, baseURL: proxy.url });
    const approved = await lossy.jobs.approve(job.id);
    assert.equal(proxy.connections(), 2);
    assert.equal(approved.id, job.id);
    assert.notEqual(approved.status, "pending");
    assert.equal((await waitForStart(leadex, job.id)).status === "pending", false);
    // A new approve (a new key) is the illegal transition the spec describes.
    await assert.rejects(leadex.jobs.approve(job.id), ConflictError);
  } finally {
    await proxy.close();
  }
});

/** A server that answers from a script and records what it was sent. */
async function scripted(...answers) {
  const seen = [];
  const server = await listen(async (req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers, body: await body(req) });
    const answer = answers.shift() ?? { status: 500, body: { error: { code: "internal_error", message: "script ran out" } } };
    if (answer.hang) return; // never answers
    if (answer.drop) return req.socket.destroy();
    res.writeHead(answer.status, { "Content-Type": "application/json", "X-Request-Id": "req_scripted", ...answer.headers });
    res.end(JSON.stringify(answer.body ?? {}));
  });
  const leadex = (options = {}) => new Leadex({ apiKey: "sk_test_x", baseURL: server.url, ...options });
  return { seen, server, leadex };
}

const THREAD = { id: "thr_1", object: "thread", title: "t", metadata: {} };
const envelope = (code, param = null) => ({ error: { code, message: `${code} happened`, param, request_id: "req_envelope" } });

test("429 waits out Retry-After and 503, 500 and dropped connections back off; one key throughout", async () => {
  const { seen, server, leadex } = await scripted(
    { status: 429, headers: { "Retry-After": "1" }, body: envelope("rate_limit_error") },
    { status: 503, body: envelope("internal_error") },
    { drop: true },
    { status: 500, body: envelope("internal_error") },
    { status: 200, body: THREAD },
  );
  try {
    const thread = await leadex({ maxRetries: 4 }).threads.create({ title: "t" });
    assert.equal(thread.id, "thr_1");
    assert.equal(seen.length, 5);
    const keys = new Set(seen.map((request) => request.headers["idempotency-key"]));
    assert.equal(keys.size, 1);
    assert.match([...keys][0], /^leadex-node-/);
    assert.ok(seen.every((request) => request.body === JSON.stringify({ title: "t" })));
  } finally {
    await server.close();
  }
});

test("retries stop at maxRetries and raise the last error with its envelope", async () => {
  const { seen, server, leadex } = await scripted(
    { status: 503, headers: { "Retry-After": "0" }, body: envelope("internal_error") },
    { status: 503, headers: { "Retry-After": "0" }, body: envelope("internal_error", "temporal") },
  );
  try {
    await assert.rejects(leadex({ maxRetries: 1 }).jobs.retrieve("job_1"), (error) => {
      assert.ok(error instanceof ServiceUnavailableError && error instanceof InternalServerError);
      assert.equal(error.status, 503);
      assert.equal(error.code, "internal_error");
      assert.equal(error.param, "temporal");
      assert.equal(error.requestId, "req_envelope");
      return true;
    });
    assert.equal(seen.length, 2);
    assert.equal(seen[0].headers["idempotency-key"], undefined, "reads carry no key");
  } finally {
    await server.close();
  }
});

test("a Retry-After past a minute is not waited out", async () => {
  const { seen, server, leadex } = await scripted({ status: 429, headers: { "Retry-After": "3600" }, body: envelope("rate_limit_error") });
  try {
    await assert.rejects(leadex().threads.list(), (error) => {
      assert.ok(error instanceof RateLimitError);
      assert.equal(error.retryAfter, 3600);
      return true;
    });
    assert.equal(seen.length, 1);
  } finally {
    await server.close();
  }
});

test("a 409 for a key still in flight is retried; a key reused with another body is not", async () => {
  const { seen, server, leadex } = await scripted(
    { status: 409, headers: { "Retry-After": "0" }, body: envelope("conflict", "Idempotency-Key") },
    { status: 200, body: THREAD },
    { status: 409, body: envelope("conflict", "Idempotency-Key") },
  );
  try {
    await leadex().threads.create({ title: "t" }, { idempotencyKey: "mine" });
    await assert.rejects(leadex().threads.create({ title: "other" }, { idempotencyKey: "mine" }), ConflictError);
    assert.deepEqual(seen.map((request) => request.headers["idempotency-key"]), ["mine", "mine", "mine"]);
  } finally {
    await server.close();
  }
});

test("a request that outlives its timeout is retried, then raises APITimeoutError", async () => {
  const { seen, server, leadex } = await scripted({ hang: true }, { hang: true });
  try {
    await assert.rejects(leadex({ timeout: 200, maxRetries: 1 }).threads.retrieve("thr_1"), APITimeoutError);
    assert.equal(seen.length, 2);
  } finally {
    server.server.closeAllConnections();
    await server.close();
  }
});

test("a refused connection is an APIConnectionError after the retries", async () => {
  const { server, leadex } = await scripted();
  const url = server.url;
  await server.close();
  const offline = new Leadex({ apiKey: "sk_test_x", baseURL: url, maxRetries: 1 });
  await assert.rejects(offline.threads.list(), (error) => {
    assert.ok(error instanceof APIConnectionError && !(error instanceof APITimeoutError));
    assert.equal(error.status, undefined);
    return true;
  });
  assert.ok(leadex);
});
