app.post("/leadex/hook", verifySignature, async (req, res) => {
  if (req.body.type !== "job.succeeded") return res.sendStatus(204);
  const jobId = req.body.data.object.id;
  await leadex.jobs.push(jobId, {
    provider: "hubspot",
    mode: "both",
    list_id: process.env.HS_INBOX_LIST,
  });
  res.sendStatus(200);
});
