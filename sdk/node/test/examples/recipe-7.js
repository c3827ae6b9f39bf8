setInterval(async () => {
  const running = await leadex.jobs.list({ status: "running" });
  for (const j of running.data) {
    const age = Date.now() - Date.parse(j.started_at);
    const burn = j.credits_used ?? 0;
    if (age > 10 * 60_000 || burn > 500) {
      await leadex.jobs.stop(j.id, { reason: "watchdog: budget/time exceeded" });
    }
  }
}, 30_000);
