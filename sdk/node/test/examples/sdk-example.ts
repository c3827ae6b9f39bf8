import Leadex from "@leadex/sdk";
const leadex = new Leadex({
  apiKey: process.env.LEADEX_API_KEY!,
  baseURL: "https://api.leadex.cc/v1",
  maxRetries: 3,
  timeout: 30_000,
});
const job = await leadex.search({
  prompt: "US Series B dev-tools CTOs hiring Staff Engineers",
  max_rows: 100,
});
console.log(job.leads.length, "leads");
