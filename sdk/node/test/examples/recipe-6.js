app.get("/api/jobs/:id/stream", async (req, res) => {
  res.setHeader("Content-Type", "text/event-stream");
  const upstream = await leadex.jobs.streamRaw(req.params.id);
  upstream.pipe(res);
});
