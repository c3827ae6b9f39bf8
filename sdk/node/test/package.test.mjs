// `npm pack` makes a tarball a user installs as is: ESM and CommonJS both load it, and the
// quickstart runs from it against the server.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFile, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { EXAMPLES, SDK_ROOT, org, runModule } from "./helpers.mjs";

const run = promisify(execFile);

test("the packed tarball installs without the network and runs the quickstart", async () => {
  const dir = await mkdtemp(join(process.env.LEADEX_TEST_TMP ?? tmpdir(), "installed-"));
  const packed = await run("npm", ["pack", "--json", "--pack-destination", dir], { cwd: SDK_ROOT });
  const [{ filename }] = JSON.parse(packed.stdout);
  await writeFile(join(dir, "package.json"), JSON.stringify({ name: "user-app", private: true, type: "module" }));
  await run("npm", ["install", "--offline", "--no-audit", "--no-fund", join(dir, filename)], { cwd: dir });
  const installed = JSON.parse(await readFile(join(dir, "node_modules", "@leadex", "sdk", "package.json"), "utf8"));
  assert.equal(installed.name, "@leadex/sdk");

  const cjs = await run(process.execPath, ["-e", `const { Leadex, NotFoundError } = require("@leadex/sdk"); const l = new Leadex({ apiKey: "k", baseURL: "http://h:1" }); console.log(typeof Leadex.webhooks.verify, l.baseURL, typeof NotFoundError)`], { cwd: dir });
  assert.equal(cjs.stdout.trim(), "function http://h:1/v1 function");

  await copyFile(join(EXAMPLES, "quickstart.mjs"), join(dir, "quickstart.mjs"));
  const result = await runModule(dir, await readFile(join(dir, "quickstart.mjs"), "utf8"), {
    env: { LEADEX_API_KEY: org(0).test },
    file: "quickstart.mjs",
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(await readFile(join(dir, "leads.csv"), "utf8"), /^\uFEFF?company_name,/);
});
