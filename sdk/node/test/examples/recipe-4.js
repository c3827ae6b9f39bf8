// Runs every Monday 09:00 UTC.
await leadex.search({
  prompt: "New Series A US SaaS companies announced in the last 7 days, hiring for Head of Marketing",
  max_rows: 200,
  wait: "async",
});
