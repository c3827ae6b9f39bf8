// The spec's recipes, each exactly as printed, inside the few lines a user's file has around
// it (the import, the client, an Express app), against the running server.

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import Leadex, { NotFoundError } from "@leadex/sdk";
import {
  EXPRESS_EPILOGUE,
  EXPRESS_PRELUDE,
  QUICKSTART,
  body,
  client,
  composeRecipe,
  draft,
  listen,
  org,
  project,
  runModule,
  serveModule,
  waitForEnd,
  waitForStart,
} from "./helpers.mjs";

async function allJobs(leadex) {
  const jobs = [];
  for await (const job of leadex.jobs.list()) jobs.push(job);
  return jobs;
}

test("recipe 1: a natural-language ICP becomes a CSV file", async () => {
  const dir = await project();
  const result = await runModule(dir, await composeRecipe("recipe-1.js"), {
    env: { LEADEX_API_KEY: org(0).test },
  });
  assert.equal(result.code, 0, result.stderr);
  const csv = await readFile(join(dir, "heads-of-data.csv"), "utf8");
  const lines = csv.trim().split(/\r?\n/);
  assert.match(lines[0], /^\uFEFF?company_name,/);
  const [job] = await allJobs(client(0));
  assert.equal(job.status, "succeeded");
  assert.equal(lines.length - 1, job.artifact.rows);
  assert.ok(job.artifact.rows > 0);
});

/** The seed list the stack serves at the recipe's https://ops.example.com/seeds.csv. */
function seedRows() {
  const csv = process.env.LEADEX_TEST_SEEDS_CSV;
  if (!csv) throw new Error("LEADEX_TEST_SEEDS_CSV is not set: run these tests through pytest");
  const [header, ...rows] = csv.trim().split(/\r?\n/).map((line) => line.split(","));
  const at = header.indexOf("domain");
  return rows.map((row) => row[at]);
}

test("recipe 2: the attached CSV over HTTPS makes the job enrich exactly its companies", async () => {
  const dir = await project();
  // A live key: live research crawls the seed companies' sites (test mode would make them up).
  const result = await runModule(dir, await composeRecipe("recipe-2.js"), {
    env: { LEADEX_API_KEY: org(0).live },
  });
  assert.equal(result.code, 0, result.stderr);
  const leadex = client(0, { apiKey: org(0).live });
  const jobs = await allJobs(leadex);
  assert.equal(jobs.length, 1);
  const domains = seedRows();
  assert.ok(domains.length > 0);
  // The server fetched the file through its guard, trusting the deployment's extra CA.
  const plan = await leadex.plans.retrieve(jobs[0].plan_id);
  assert.deepEqual(plan.criteria.seed, {
    kind: "domains",
    values: domains,
    source_url: "https://ops.example.com/seeds.csv",
  });
  assert.equal(plan.steps[0].intent, "enrich");
  const finished = await waitForEnd(leadex, jobs[0].id);
  assert.equal(finished.status, "succeeded", JSON.stringify(finished));
  const leads = [];
  for await (const lead of leadex.jobs.leads(finished.id)) leads.push(lead);
  assert.deepEqual([...new Set(leads.map((lead) => lead.company.domain))].sort(), [...domains].sort());
  assert.ok(leads.some((lead) => /CTO/.test(lead.person?.title ?? "")), JSON.stringify(leads));
});

test("recipe 3: the HubSpot hook checks the signature and pushes only job.succeeded", async () => {
  const dir = await project();
  const secret = "whsec_node_sdk_test";
  const prelude = [
    EXPRESS_PRELUDE,
    // What the recipe leaves to the reader: the middleware, built on the SDK's verify helper.
    `const verifySignature = (req, res, next) =>`,
    `  Leadex.webhooks.verify(req.rawBody, req.headers, process.env.LEADEX_WEBHOOK_SECRET) ? next() : res.sendStatus(400);`,
  ].join("\n");
  const app = await serveModule(dir, await composeRecipe("recipe-3.js", { prelude, epilogue: EXPRESS_EPILOGUE }), {
    env: { LEADEX_API_KEY: org(0).test, LEADEX_WEBHOOK_SECRET: secret, HS_INBOX_LIST: "482911" },
  });
  try {
    const deliver = async (payload, secrets = [secret]) => {
      const raw = JSON.stringify(payload);
      return fetch(`${app.url}/leadex/hook`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Leadex-Signature": Leadex.webhooks.sign(raw, secrets) },
        body: raw,
      });
    };
    const started = { id: "evt_1", type: "job.started", created_at: new Date().toISOString(), livemode: false, data: { object: { id: "job_x" } } };
    assert.equal((await deliver(started)).status, 204);
    assert.equal((await deliver(started, ["whsec_someone_else"])).status, 400);
    // During a rotation a delivery carries both secrets' signatures; either verifies.
    assert.equal((await deliver(started, ["whsec_new", secret])).status, 204);

    // job.succeeded reaches jobs.push: this organization has connected no HubSpot account,
    // and the server says so with a 422.
    const { job } = await draft(client(0));
    const succeeded = { ...started, id: "evt_2", type: "job.succeeded", data: { object: { id: job.id } } };
    const response = await deliver(succeeded);
    assert.equal(response.status, 500);
    const logged = JSON.parse(app.output().stderr.trim().split("\n").at(-1));
    assert.equal(logged.name, "UnprocessableEntityError");
    assert.equal(logged.status, 422);
  } finally {
    await app.stop();
  }
});

test("recipe 4: the weekly cron's search starts a job and returns at once", async () => {
  const dir = await project();
  const result = await runModule(dir, await composeRecipe("recipe-4.js"), {
    env: { LEADEX_API_KEY: org(1).test },
  });
  assert.equal(result.code, 0, result.stderr);
  const jobs = await allJobs(client(1));
  assert.equal(jobs.length, 1);
  const finished = await waitForEnd(client(1), jobs[0].id);
  assert.equal(finished.status, "succeeded");
});

test("recipe 5: the Slack bot answers at once, then posts the leads to response_url", async () => {
  const dir = await project();
  let resolveDelivery;
  const delivered = new Promise((resolve) => (resolveDelivery = resolve));
  // A stand-in of Slack's response_url: it takes a JSON message, as Slack's does.
  const slack = await listen(async (req, res) => {
    const text = await body(req);
    res.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
    resolveDelivery({ contentType: req.headers["content-type"], message: JSON.parse(text) });
  });
  const app = await serveModule(
    dir,
    await composeRecipe("recipe-5.js", { prelude: EXPRESS_PRELUDE, epilogue: EXPRESS_EPILOGUE }),
    { env: { LEADEX_API_KEY: org(2).test } },
  );
  try {
    // Slack posts slash commands form-encoded.
    const command = new URLSearchParams({
      command: "/leads",
      text: "Heads of Data at US healthcare companies",
      response_url: `${slack.url}/commands/T1/R1`,
    });
    const ack = await fetch(`${app.url}/slack/leads`, { method: "POST", body: command });
    assert.equal(ack.status, 200);
    assert.deepEqual(await ack.json(), {
      response_type: "in_channel",
      text: "Researching: _Heads of Data at US healthcare companies_…",
    });
    const { contentType, message } = await delivered;
    assert.equal(contentType, "application/json");
    const match = /^Done — (\d+) leads\. <([^|>]+)\|Download CSV>$/.exec(message.text);
    assert.ok(match, message.text);
    assert.ok(Number(match[1]) > 0 && Number(match[1]) <= 100);
    const file = await fetch(match[2]);
    assert.equal(file.status, 200);
    assert.match(await file.text(), /^\uFEFF?company_name,/);
  } finally {
    await app.stop();
    await slack.close();
  }
});

test("recipe 6: the custom UI's backend proxies the job's event stream to the browser", async () => {
  const dir = await project();
  const app = await serveModule(
    dir,
    await composeRecipe("recipe-6.js", { prelude: EXPRESS_PRELUDE, epilogue: EXPRESS_EPILOGUE }),
    { env: { LEADEX_API_KEY: org(0).test } },
  );
  try {
    const leadex = client(0);
    const { job } = await draft(leadex);
    await leadex.jobs.approve(job.id);
    const response = await fetch(`${app.url}/api/jobs/${job.id}/stream`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type"), /^text\/event-stream/);
    const text = await response.text(); // the upstream closes after the terminal event
    const types = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    assert.ok(types.includes("step"), text.slice(0, 500));
    assert.equal(types.at(-1), "done");
    // The browser sees the same events, ids included, as the API serves.
    const ids = [...text.matchAll(/^id: (.+)$/gm)].map((m) => m[1]);
    const direct = [];
    for await (const event of leadex.jobs.stream(job.id)) direct.push(event.id);
    assert.deepEqual(ids, direct);
  } finally {
    await app.stop();
  }
});

test("recipe 7: the watchdog stops a job past ten minutes and leaves a young one", async () => {
  const dir = await project();
  const leadex = client(1);
  const { job } = await draft(leadex, QUICKSTART, { hints: { max_rows: 500 } });
  await leadex.jobs.approve(job.id);
  const running = await waitForStart(leadex, job.id);
  assert.equal(running.status, "running");
  // The recipe's clock: Date is the test runner's mock (so "ten minutes later" needs no
  // waiting) and the interval's callback is kept and called once, as its first tick would be.
  const harness = (minutesLater) => [
    `import { mock } from "node:test";`,
    `mock.timers.enable({ apis: ["Date"], now: Date.now() + ${minutesLater} * 60_000 });`,
    `const intervals = [];`,
    `globalThis.setInterval = (callback, ms) => { intervals.push({ callback, ms }); return intervals.length; };`,
  ].join("\n");
  const tick = [
    `if (intervals.length !== 1 || intervals[0].ms !== 30_000) throw new Error("expected one 30 s interval");`,
    `await intervals[0].callback();`,
  ].join("\n");
  const young = await runModule(dir, await composeRecipe("recipe-7.js", { prelude: harness(1), epilogue: tick }), {
    env: { LEADEX_API_KEY: org(1).test },
    file: "young.mjs",
  });
  assert.equal(young.code, 0, young.stderr);
  assert.equal((await leadex.jobs.retrieve(job.id)).status, "running");

  const old = await runModule(dir, await composeRecipe("recipe-7.js", { prelude: harness(11), epilogue: tick }), {
    env: { LEADEX_API_KEY: org(1).test },
    file: "old.mjs",
  });
  assert.equal(old.code, 0, old.stderr);
  const stopped = await waitForEnd(leadex, job.id);
  assert.equal(stopped.status, "stopped");
  assert.match(JSON.stringify(stopped), /watchdog: budget\/time exceeded/);
});

test("recipe 8: replanning trims the plan under 100 credits, then approves it", async () => {
  const dir = await project();
  const leadex = client(2);
  const thread = await leadex.threads.create({ title: "replanning" });
  const initialPrompt = `${QUICKSTART} 500 rows.`;
  const prelude = `const threadId = ${JSON.stringify(thread.id)};\nconst initialPrompt = ${JSON.stringify(initialPrompt)};`;
  const result = await runModule(dir, await composeRecipe("recipe-8.js", { prelude }), {
    env: { LEADEX_API_KEY: org(2).test },
  });
  assert.equal(result.code, 0, result.stderr);
  const jobs = [];
  for await (const job of leadex.jobs.list({ thread_id: thread.id })) jobs.push(job);
  // The drafts the replans superseded never ran; the last plan's job is the one approved.
  const approved = jobs.filter((job) => ["running", "succeeded"].includes(job.status));
  assert.equal(approved.length, 1, JSON.stringify(jobs.map((job) => job.status)));
  const plan = await leadex.plans.retrieve(approved[0].plan_id);
  assert.ok(plan.credits_estimate <= 100, String(plan.credits_estimate));
  const messages = [];
  for await (const message of leadex.messages.list(thread.id)) messages.push(message);
  assert.ok(messages.some((m) => /Trim to under 100 credits/.test(m.content ?? "")), "the replan went through the thread");
});
