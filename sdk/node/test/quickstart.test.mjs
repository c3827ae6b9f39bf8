// The spec's Node quickstart, exactly as printed, against the running server.

import assert from "node:assert/strict";
import { copyFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { EXAMPLES, client, org, project, runModule } from "./helpers.mjs";

test("the quickstart runs as printed and saves the job's CSV", async () => {
  const dir = await project();
  await copyFile(join(EXAMPLES, "quickstart.mjs"), join(dir, "quickstart.mjs"));
  const result = await runModule(dir, await readFile(join(dir, "quickstart.mjs"), "utf8"), {
    env: { LEADEX_API_KEY: org(0).test },
  });
  assert.equal(result.code, 0, result.stderr);
  const steps = result.stdout.split("\n").filter((line) => line.startsWith("[step] "));
  assert.ok(steps.length > 0, result.stdout);
  for (const line of steps) assert.ok(!["", "undefined", "null"].includes(line.slice(7).trim()), line);

  const csv = await readFile(join(dir, "leads.csv"), "utf8");
  const rows = csv.trim().split(/\r?\n/);
  assert.match(rows[0], /^\uFEFF?company_name,/);
  const jobs = [];
  for await (const job of client(0).jobs.list()) jobs.push(job);
  assert.equal(jobs.length, 1);
  assert.equal(jobs[0].status, "succeeded");
  assert.equal(jobs[0].artifact.rows, rows.length - 1);
});
