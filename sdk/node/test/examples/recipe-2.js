const thread = await leadex.threads.create({ title: "Enrichment — April batch" });
const { job } = await leadex.messages.create(thread.id, {
  content: "For each company in the attached CSV, pull the CTO and Head of Engineering. Add funding stage, last-raised date, and tech stack.",
  attachments: [{ kind: "csv", url: "https://ops.example.com/seeds.csv" }],
});
await leadex.jobs.approve(job.id);
