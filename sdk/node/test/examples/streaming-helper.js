for await (const event of leadex.jobs.stream(jobId)) {
  switch (event.type) {
    case "log": progress.setLabel(event.data.message); break;
    case "step": progress.tick(event.data.step_id); break;
    case "result": store.addLeads(event.data.leads); break;
    case "done": return;
  }
}
