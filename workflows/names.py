"""Workflow, activity, signal and query names. They are part of running histories: never rename."""

PLANNING_WORKFLOW = "leadex.planning"
DRAFT_PLAN_ACTIVITY = "leadex.planning.draft_plan"

JOB_WORKFLOW = "leadex.job"
JOB_START_ACTIVITY = "leadex.jobs.start"
JOB_RUN_BATCH_ACTIVITY = "leadex.jobs.run_batch"
JOB_RESOLVE_ACTIVITY = "leadex.jobs.resolve"
JOB_DELIVER_ACTIVITY = "leadex.jobs.deliver"
JOB_PUBLISH_ACTIVITY = "leadex.jobs.publish"
JOB_FINALIZE_ACTIVITY = "leadex.jobs.finalize"
JOB_STOP_SIGNAL = "stop"
JOB_STATUS_QUERY = "status"

RECONCILE_WORKFLOW = "leadex.reconcile"
RECONCILE_ACTIVITY = "leadex.jobs.reconcile"
RECONCILE_SCHEDULE_ID = "leadex-reconciler"

LOAD_ATTACHMENTS_ACTIVITY = "leadex.planning.load_attachments"
RENDER_PAGES_ACTIVITY = "leadex.browser.render_pages"

JOB_SUPERVISOR_WORKFLOW = "leadex.job.supervisor"
JOB_INTERRUPTED_ACTIVITY = "leadex.jobs.conclude_interrupted"

THREAD_DELETION_WORKFLOW = "leadex.threads.delete"
PURGE_DELETION_ACTIVITY = "leadex.retention.purge_deletion"
RETENTION_WORKFLOW = "leadex.retention"
RETENTION_SWEEP_ACTIVITY = "leadex.retention.sweep"
RETENTION_SCHEDULE_ID = "leadex-retention"

ERASURE_WORKFLOW = "leadex.privacy.erase"
ERASURE_SURVEY_ACTIVITY = "leadex.privacy.survey"
ERASURE_JOB_ACTIVITY = "leadex.privacy.erase_job"
ERASURE_SOURCES_ACTIVITY = "leadex.privacy.erase_sources"
ERASURE_FINISH_ACTIVITY = "leadex.privacy.finish"


def supervisor_id(job_id: str) -> str:
    """The workflow id of the run that supervises a job's run (whose id is the job id)."""
    return f"{job_id}-supervisor"


SCHEDULE_RUN_WORKFLOW = "leadex.schedules.run"
SCHEDULE_START_RUN_ACTIVITY = "leadex.schedules.start_run"
SCHEDULE_AWAIT_JOB_ACTIVITY = "leadex.schedules.await_job"


def schedule_run_id(schedule_id: str) -> str:
    """The workflow id of a schedule's runs (Temporal appends each run's start time)."""
    return f"{schedule_id}-run"


WEBHOOK_DELIVERY_WORKFLOW = "leadex.webhooks.deliver"
WEBHOOK_ATTEMPT_ACTIVITY = "leadex.webhooks.attempt"

PUSH_WORKFLOW = "leadex.integrations.push"
PUSH_PREPARE_ACTIVITY = "leadex.integrations.prepare_push"
PUSH_BATCH_ACTIVITY = "leadex.integrations.push_batch"
PUSH_FINISH_ACTIVITY = "leadex.integrations.finish_push"
CONNECT_WORKFLOW = "leadex.integrations.connect"
CONNECT_ACTIVITY = "leadex.integrations.exchange_code"
