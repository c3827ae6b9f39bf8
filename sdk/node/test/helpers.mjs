// Shared by the Node test files: the stack's organizations, example runners, and loopback
// servers that stand between the SDK and the real API to drop connections on purpose.

import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, readFile, symlink, writeFile } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Leadex from "@leadex/sdk";

const here = dirname(fileURLToPath(import.meta.url));
export const SDK_ROOT = join(here, "..");
export const EXAMPLES = join(here, "examples");
export const QUICKSTART =
  "Find Series A fintechs in France with 20+ engineers. Pull VP Eng and Head of Growth.";

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests through pytest (tests/sdk/test_node_sdk.py)`);
  return value;
}

export const BASE_URL = required("LEADEX_BASE_URL");
const ORGS = JSON.parse(required("LEADEX_TEST_ORGS"));

/** The keys of the i-th organization pytest minted for this file. */
export function org(index = 0) {
  const keys = ORGS[index];
  if (!keys) throw new Error(`only ${ORGS.length} organizations were minted for this file`);
  return keys;
}

/** A client on the i-th organization's test key; more retries than the default, since a
 * shared test machine can keep the planner past the server's wait (a 503 to retry). */
export function client(index = 0, options = {}) {
  return new Leadex({ apiKey: org(index).test, baseURL: BASE_URL, maxRetries: 5, ...options });
}

/** A scratch directory where `@leadex/sdk` and `express` resolve as in a user's project. */
export async function project() {
  const root = process.env.LEADEX_TEST_TMP ?? (await import("node:os")).tmpdir();
  const dir = await mkdtemp(join(root, "project-"));
  await mkdir(join(dir, "node_modules", "@leadex"), { recursive: true });
  await symlink(SDK_ROOT, join(dir, "node_modules", "@leadex", "sdk"), "dir");
  await symlink(join(SDK_ROOT, "node_modules", "express"), join(dir, "node_modules", "express"), "dir");
  await writeFile(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  return dir;
}

/** A module: the lines a user's file would have around a recipe, and the recipe as printed. */
export async function composeRecipe(name, { prelude = "", epilogue = "", wrap = false } = {}) {
  const recipe = await readFile(join(EXAMPLES, name), "utf8");
  const body = wrap ? `await (async () => {\n${recipe}\n})();\n` : recipe;
  return [
    `import Leadex from "@leadex/sdk";`,
    `import fs from "node:fs/promises";`,
    `const leadex = new Leadex();`,
    prelude,
    body,
    epilogue,
  ].join("\n");
}

/** Run a module's source as a user's script in `dir`; resolves with its exit and output. */
export async function runModule(dir, source, { env = {}, file = "main.mjs", args = [] } = {}) {
  await writeFile(join(dir, file), source);
  const child = spawn(process.execPath, [...args, file], {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr += chunk));
  const [code] = await once(child, "close");
  return { code, stdout, stderr };
}

/** Start a module that serves HTTP and prints `listening <port>`; `stop()` ends it. */
export async function serveModule(dir, source, { env = {}, file = "server.mjs" } = {}) {
  await writeFile(join(dir, file), source);
  const child = spawn(process.execPath, [file], {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr += chunk));
  child.stdout.setEncoding("utf8");
  const port = await new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      const match = /listening (\d+)/.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
    child.once("exit", (code) => reject(new Error(`exited ${code} before listening:\n${stderr}`)));
  });
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => ({ stdout, stderr }),
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await once(child, "exit");
      }
    },
  };
}

/** The lines a server recipe's file has around it: an Express app that says its port. */
export const EXPRESS_PRELUDE = [
  `import express from "express";`,
  `const app = express();`,
  `app.use(express.json({ verify: (req, _res, buf) => { req.rawBody = buf; } }));`,
  `app.use(express.urlencoded({ extended: false }));`,
].join("\n");
export const EXPRESS_EPILOGUE = [
  `app.use((error, _req, res, _next) => {`,
  `  console.error(JSON.stringify({ name: error.name, status: error.status, code: error.code, message: error.message }));`,
  `  res.status(500).json({ error: error.name });`,
  `});`,
  `const server = app.listen(0, "127.0.0.1", () => console.log("listening " + server.address().port));`,
].join("\n");

/** A loopback HTTP server for the test's own endpoints (a stand-in of Slack's response_url). */
export async function listen(handler) {
  const server = http.createServer(handler);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
    server,
  };
}

/** The whole body of a request. */
export async function body(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * A TCP proxy to the API: `onConnection(index, client, upstream)` may cut a connection after
 * some bytes. Everything else passes through unchanged.
 */
export async function tcpProxy({ cutResponseAfter } = {}) {
  const target = new URL(BASE_URL);
  let connections = 0;
  const sockets = new Set();
  const server = net.createServer((client) => {
    const index = connections++;
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    const limit = cutResponseAfter?.(index);
    let sent = 0;
    client.on("data", (chunk) => upstream.write(chunk));
    upstream.on("data", (chunk) => {
      if (limit === undefined) return void client.write(chunk);
      const room = limit - sent;
      if (room > 0) client.write(chunk.subarray(0, room));
      sent += chunk.length;
      if (sent >= limit) {
        client.destroy();
        upstream.destroy();
      }
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(resolve);
      }),
  };
}

/** Poll a job until it ends. */
export async function waitForEnd(leadex, jobId) {
  for (;;) {
    const job = await leadex.jobs.retrieve(jobId);
    if (["succeeded", "failed", "stopped"].includes(job.status)) return job;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Poll a job until its first step has begun. */
export async function waitForStart(leadex, jobId) {
  for (;;) {
    const job = await leadex.jobs.retrieve(jobId);
    if (job.started_at || job.status !== "pending") return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A thread with a drafted plan and its pending job. */
export async function draft(leadex, content = QUICKSTART, extra = {}) {
  const thread = await leadex.threads.create({ title: "node sdk test" });
  return leadex.messages.create(thread.id, { content, ...extra });
}
