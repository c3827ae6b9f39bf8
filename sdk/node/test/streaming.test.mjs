// Job streams against the real server: cut mid-way by a proxy, resumed with Last-Event-ID,
// with nothing lost and nothing repeated.

import assert from "node:assert/strict";
import { test } from "node:test";
import { APIConnectionError, NotFoundError } from "@leadex/sdk";
import { client, draft, org, tcpProxy, waitForEnd } from "./helpers.mjs";
import Leadex from "@leadex/sdk";

async function collect(stream) {
  const events = [];
  for await (const event of stream) events.push(event);
  return events;
}

test("a stream cut mid-way resumes with Last-Event-ID: no event lost, none repeated", async () => {
  const leadex = client(0);
  const { job } = await draft(leadex);
  await leadex.jobs.approve(job.id);
  // The first three connections through the proxy are cut mid-answer (after 2, 4 and 6 KB,
  // headers included, so a large event still gets through in the end): the stream only
  // reaches its end by resuming, three times.
  const proxy = await tcpProxy({ cutResponseAfter: (index) => (index < 3 ? 2048 * (index + 1) : undefined) });
  try {
    const cut = new Leadex({ apiKey: org(0).test, baseURL: proxy.url, maxRetries: 4 });
    const events = await collect(cut.jobs.stream(job.id));
    assert.equal(proxy.connections(), 4);
    const ids = events.map((event) => event.id);
    assert.equal(new Set(ids).size, ids.length, "an event was repeated");
    assert.equal(events.at(-1).type, "done");
    // The same job's stream read straight from the server, in one go: the same events.
    const whole = await collect(leadex.jobs.stream(job.id));
    assert.deepEqual(events, whole);
    assert.ok(whole.some((event) => event.type === "step" && event.data.title));
    assert.ok(whole.some((event) => event.type === "result" && event.data.leads.length > 0));
  } finally {
    await proxy.close();
  }
});

test("a stream resumes from a lastEventId given by the caller", async () => {
  const leadex = client(1);
  const { job } = await draft(leadex);
  await leadex.jobs.approve(job.id);
  const whole = await collect(leadex.jobs.stream(job.id));
  const middle = Math.floor(whole.length / 2);
  const rest = await collect(leadex.jobs.stream(job.id, { lastEventId: whole[middle].id }));
  assert.deepEqual(rest, whole.slice(middle + 1));
  const summary = await leadex.jobs.summary(job.id);
  assert.equal(summary.job_id ?? job.id, job.id);
});

test("a stream that cannot reconnect says where to resume", async () => {
  const leadex = client(1);
  const { job } = await draft(leadex);
  await leadex.jobs.approve(job.id);
  await waitForEnd(leadex, job.id);
  const proxy = await tcpProxy({ cutResponseAfter: () => 600 });
  try {
    const cut = new Leadex({ apiKey: org(1).test, baseURL: proxy.url, maxRetries: 1 });
    const stream = cut.jobs.stream(job.id);
    await assert.rejects(collect(stream), (error) => {
      assert.ok(error instanceof APIConnectionError);
      assert.match(error.message, /resume with lastEventId/);
      return true;
    });
  } finally {
    await proxy.close();
  }
});

test("a stream of an unknown job is a NotFoundError, not a reconnect loop", async () => {
  await assert.rejects(collect(client(0).jobs.stream("job_does_not_exist")), NotFoundError);
});
