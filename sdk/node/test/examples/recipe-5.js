app.post("/slack/leads", async (req, res) => {
  const { text, response_url } = req.body;
  res.json({ response_type: "in_channel", text: `Researching: _${text}_…` });
  const job = await leadex.search({ prompt: text, max_rows: 100, wait: "sync" });
  await fetch(response_url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      text: `Done — ${job.leads.length} leads. <${job.artifact.download_url}|Download CSV>`,
    }),
  });
});
