let { plan, job } = await leadex.messages.create(threadId, { content: initialPrompt });
while (plan.credits_estimate > 100) {
  const feedback = `Trim to under 100 credits. Drop the most expensive step.`;
  ({ plan, job } = await leadex.plans.replan(plan.id, { feedback }));
}
await leadex.jobs.approve(job.id);
