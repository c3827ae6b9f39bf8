import Leadex from "@leadex/sdk";
const leadex = new Leadex({ apiKey: process.env.LEADEX_API_KEY });
const thread = await leadex.threads.create({ title: "Series A FinTech in EU" });
const { job } = await leadex.messages.create(thread.id, {
  content: "Find Series A fintechs in France with 20+ engineers. Pull VP Eng and Head of Growth.",
});
await leadex.jobs.approve(job.id);
for await (const event of leadex.jobs.stream(job.id)) {
  if (event.type === "step") console.log(`[step] ${event.data.title}`);
  if (event.type === "done") break;
  if (event.type === "error") throw new Error(event.data.message);
}
const finished = await leadex.jobs.retrieve(job.id);
const csv = await leadex.artifacts.download(finished.artifact.id);
await csv.saveTo("./leads.csv");
