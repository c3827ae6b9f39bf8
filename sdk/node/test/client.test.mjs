// The client against the real server: settings, resources as the spec names them, errors
// mapped from the envelope, and lists that walk every page.

import assert from "node:assert/strict";
import { test } from "node:test";
import Leadex, {
  APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  LeadexError,
  NotFoundError,
  PermissionDeniedError,
  PlanRejectedError,
  UnprocessableEntityError,
} from "@leadex/sdk";
import { BASE_URL, client, draft, org, waitForEnd } from "./helpers.mjs";

test("the client reads LEADEX_API_KEY and LEADEX_BASE_URL; a bare host means /v1", () => {
  const saved = { ...process.env };
  try {
    process.env.LEADEX_API_KEY = "sk_test_from_env";
    process.env.LEADEX_BASE_URL = "http://127.0.0.1:8000";
    const leadex = new Leadex();
    assert.equal(leadex.apiKey, "sk_test_from_env");
    assert.equal(leadex.baseURL, "http://127.0.0.1:8000/v1");
    assert.equal(leadex.maxRetries, 2);
    const custom = new Leadex({ apiKey: "k", baseURL: "https://api.leadex.cc/v1/", maxRetries: 3, timeout: 30_000 });
    assert.equal(custom.baseURL, "https://api.leadex.cc/v1");
    assert.equal(custom.timeout, 30_000);
    delete process.env.LEADEX_API_KEY;
    assert.throws(() => new Leadex(), LeadexError);
  } finally {
    process.env = saved;
  }
});

test("threads, messages, plans and jobs round-trip; lists walk every page", async () => {
  const leadex = client(0);
  const made = [];
  for (let i = 0; i < 5; i++) made.push((await leadex.threads.create({ title: `t${i}`, metadata: { n: String(i) } })).id);
  const first = await leadex.threads.list({ limit: 2 });
  assert.equal(first.data.length, 2);
  assert.equal(first.has_more, true);
  const walked = [];
  for await (const thread of leadex.threads.list({ limit: 2 })) walked.push(thread.id);
  assert.deepEqual([...walked].sort(), [...made].sort());
  assert.equal(new Set(walked).size, 5);

  const updated = await leadex.threads.update(made[0], { title: "renamed" });
  assert.equal(updated.title, "renamed");
  assert.equal((await leadex.threads.retrieve(made[0])).title, "renamed");

  const { message, plan, job } = await leadex.messages.create(made[1], {
    content: "Find Series A fintechs in France with 20+ engineers. Pull VP Eng and Head of Growth.",
  });
  assert.equal(job.status, "pending");
  assert.equal((await leadex.plans.retrieve(plan.id)).id, plan.id);
  const messages = [];
  for await (const item of leadex.messages.list(made[1])) messages.push(item.id);
  assert.ok(messages.includes(message.id));
  await leadex.jobs.approve(job.id, { max_credits: 100 });
  const done = await waitForEnd(leadex, job.id);
  assert.equal(done.status, "succeeded");

  const leads = [];
  for await (const lead of leadex.jobs.leads(job.id, { limit: 7, min_confidence: 0.5 })) leads.push(lead);
  assert.ok(leads.length > 7, "more than one page of leads");
  assert.equal(new Set(leads.map((lead) => lead.id)).size, leads.length);
  assert.ok(leads.every((lead) => lead.confidence >= 0.5));
  const logs = [];
  for await (const entry of leadex.jobs.logs(job.id)) logs.push(entry);
  assert.ok(logs.length > 0);
  assert.equal((await leadex.jobs.summary(job.id)).job_id ?? job.id, job.id);

  const csv = await leadex.artifacts.download(done.artifact.id);
  assert.match(csv.text(), /^\uFEFF?company_name,/);
  const json = await leadex.artifacts.download(done.artifact.id, { format: "json" });
  assert.ok(Array.isArray(JSON.parse(json.text())) || typeof JSON.parse(json.text()) === "object");
  const artifacts = [];
  for await (const artifact of leadex.artifacts.list()) artifacts.push(artifact.id);
  assert.ok(artifacts.includes(done.artifact.id));

  const deleted = await leadex.threads.delete(made[4]);
  assert.equal(deleted.id, made[4]);
  await assert.rejects(leadex.threads.retrieve(made[4]), NotFoundError);
});

test("errors carry status, code, param and requestId from the envelope", async () => {
  const leadex = client(1);
  await assert.rejects(leadex.threads.retrieve("thr_missing"), (error) => {
    assert.ok(error instanceof NotFoundError && error instanceof APIError);
    assert.equal(error.status, 404);
    assert.equal(error.code, "not_found");
    assert.match(error.requestId, /^req_/);
    assert.match(error.message, /thr_missing/);
    return true;
  });
  await assert.rejects(new Leadex({ apiKey: "sk_test_wrong", baseURL: BASE_URL }).threads.list(), (error) => {
    assert.ok(error instanceof AuthenticationError);
    assert.equal(error.status, 401);
    assert.equal(error.code, "authentication_error");
    return true;
  });
  const readOnly = new Leadex({ apiKey: org(1).read_only, baseURL: BASE_URL });
  await assert.rejects(readOnly.threads.create({ title: "no" }), (error) => {
    assert.ok(error instanceof PermissionDeniedError);
    assert.equal(error.code, "permission_error");
    return true;
  });
  const thread = await leadex.threads.create({ title: "errors" });
  await assert.rejects(leadex.messages.create(thread.id, { content: "" }), (error) => {
    assert.ok(error instanceof UnprocessableEntityError || error instanceof BadRequestError, error.name);
    assert.equal(error.param, "content");
    return true;
  });
  await assert.rejects(leadex.messages.create(thread.id, { content: "leads" }), (error) => {
    assert.ok(error instanceof PlanRejectedError && error instanceof UnprocessableEntityError);
    assert.equal(error.code, "plan_rejected");
    return true;
  });
  const { job } = await draft(leadex);
  await leadex.jobs.approve(job.id);
  await assert.rejects(leadex.jobs.approve(job.id), (error) => {
    assert.ok(error instanceof ConflictError);
    assert.equal(error.status, 409);
    return true;
  });
  const stopped = await leadex.jobs.stop(job.id, { reason: "enough" });
  assert.ok(["running", "stopped"].includes(stopped.status));
  assert.equal((await waitForEnd(leadex, job.id)).status, "stopped");
});

test("account, keys, members, usage and schedules", async () => {
  const leadex = client(2);
  const me = await leadex.account.me();
  assert.ok(me);
  const organization = await leadex.account.organization();
  assert.ok(organization.id);
  const key = await leadex.apiKeys.create({ name: "ci", scopes: ["read"] });
  assert.match(key.secret, /^sk_test_/);
  const keys = [];
  for await (const item of leadex.apiKeys.list()) keys.push(item.id);
  assert.ok(keys.includes(key.id));
  const fresh = new Leadex({ apiKey: key.secret, baseURL: BASE_URL });
  await fresh.threads.list();
  const rotated = await leadex.apiKeys.rotate(key.id);
  assert.notEqual(rotated.secret, key.secret);
  await assert.rejects(fresh.threads.list(), AuthenticationError);
  await new Leadex({ apiKey: rotated.secret, baseURL: BASE_URL }).threads.list();
  await leadex.apiKeys.revoke(rotated.id); // a rotation mints the key under a new id
  await assert.rejects(new Leadex({ apiKey: rotated.secret, baseURL: BASE_URL }).threads.list(), AuthenticationError);

  const member = await leadex.members.create({ email: "ada@example.com" });
  assert.equal(member.email, "ada@example.com");
  const members = [];
  for await (const item of leadex.members.list()) members.push(item.email);
  assert.ok(members.includes("ada@example.com"));

  const usage = await leadex.usage.retrieve({ group_by: "day" });
  assert.ok(usage.credits);
  const budget = await leadex.usage.setBudget({ monthly_credits: 1000 });
  assert.equal((await leadex.usage.getBudget()).monthly_credits ?? budget.monthly_credits, budget.monthly_credits);

  const schedule = await leadex.schedules.create({
    prompt: "Series A fintechs in France",
    calendar: { day_of_week: "MON", hour: 9, minute: 0 },
    timezone: "Europe/Paris",
    max_rows: 10,
  });
  assert.equal((await leadex.schedules.retrieve(schedule.id)).id, schedule.id);
  assert.equal((await leadex.schedules.pause(schedule.id, { note: "holiday" })).paused, true);
  assert.equal((await leadex.schedules.resume(schedule.id)).paused, false);
  assert.equal((await leadex.schedules.update(schedule.id, { max_rows: 20 })).max_rows, 20);
  const schedules = [];
  for await (const item of leadex.schedules.list()) schedules.push(item.id);
  assert.deepEqual(schedules, [schedule.id]);
  await leadex.schedules.delete(schedule.id);
  await assert.rejects(leadex.schedules.retrieve(schedule.id), NotFoundError);
});

test("webhook endpoints and CRM pushes reach the server's own routes", async () => {
  const leadex = client(2);
  // The route exists: whatever the key may do, the answer is never a missing route.
  const listed = await leadex.webhooks.list().catch((error) => error);
  assert.ok(!(listed instanceof NotFoundError), String(listed));
  // A push names its job: an unknown one is a 404 about that job.
  await assert.rejects(leadex.jobs.push("job_x", { provider: "hubspot" }), NotFoundError);
});
