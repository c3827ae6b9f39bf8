"""Runs the workers for the configured task queues until asked to stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from prometheus_client import start_http_server
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
)
from temporalio.runtime import Runtime
from temporalio.worker import Worker

from activities.attachments import AttachmentActivities
from activities.browser import BrowserActivities
from activities.integrations import IntegrationActivities
from activities.jobs import JobActivities
from activities.planning import PlanningActivities
from activities.privacy import PrivacyActivities
from activities.retention import RetentionActivities
from activities.schedules import ScheduleActivities
from activities.webhooks import OutboxRelay, WebhookActivities
from core.config import Settings
from core.sealing import Sealer
from core.temporal import connect, prometheus_runtime
from research.planner import planner_for
from store.blobs import open_blob_store
from store.db import Database
from workers.research import engine_factory, guard_factory, renderer_factory, source_cache
from workers.telemetry import MetricsInterceptor
from workflows import names
from workflows.job_types import ReconcileRequest
from workflows.jobs import JobSupervisorWorkflow, JobWorkflow
from workflows.planning import PlanningWorkflow
from workflows.privacy import ErasureWorkflow
from workflows.pushes import ConnectWorkflow, PushWorkflow
from workflows.queues import TaskQueues
from workflows.reconcile import ReconcileWorkflow
from workflows.retention import RetentionWorkflow, ThreadDeletionWorkflow
from workflows.retention_types import RetentionRequest
from workflows.schedules import ScheduleRunWorkflow
from workflows.webhooks import WebhookDeliveryWorkflow

logger = logging.getLogger("leadex.worker")

QUEUE_KINDS = ("workflows", "planning", "research", "browser", "delivery", "maintenance")
WORKFLOWS = (
    PlanningWorkflow,
    JobWorkflow,
    JobSupervisorWorkflow,
    ReconcileWorkflow,
    RetentionWorkflow,
    ThreadDeletionWorkflow,
    ScheduleRunWorkflow,
    ErasureWorkflow,
)

# Webhook deliveries (and CRM pushes) run on the delivery queue, apart from research.
DELIVERY_WORKFLOWS: tuple[type, ...] = (WebhookDeliveryWorkflow, ConnectWorkflow, PushWorkflow)

# Cancellation reaches a heartbeating activity on its next heartbeat: keep that under ~1 s.
HEARTBEAT_THROTTLE = timedelta(seconds=1)
RECONCILE_EVERY = timedelta(minutes=1)
RETENTION_EVERY = timedelta(hours=1)


def _worker(
    client: Client,
    task_queue: str,
    *,
    workflows: Sequence[type] = (),
    activities: Sequence[Callable[..., Any]] = (),
    shutdown_grace: timedelta = timedelta(seconds=5),
) -> Worker:
    return Worker(
        client,
        task_queue=task_queue,
        workflows=list(workflows),
        activities=list(activities),
        max_heartbeat_throttle_interval=HEARTBEAT_THROTTLE,
        default_heartbeat_throttle_interval=HEARTBEAT_THROTTLE,
        # On SIGTERM (a rolling update, a scale-down) running activities get this long to
        # finish; past it they are cancelled and Temporal retries them on another worker.
        graceful_shutdown_timeout=shutdown_grace,
        interceptors=[MetricsInterceptor()],
    )


BatchActivityWrapper = Callable[[JobActivities], Callable[..., Any]]


def build_workers(
    client: Client,
    settings: Settings,
    kinds: Sequence[str],
    database: Database,
    *,
    wrap_run_batch: BatchActivityWrapper | None = None,
) -> list[Worker]:
    """One Worker per task-queue kind, each with only the work of its kind.

    ``wrap_run_batch`` replaces the batch activity with one built around the real one, under
    the same activity name (fault-injection tests use it).
    """
    queues = TaskQueues.from_settings(settings)
    grace = timedelta(seconds=settings.worker_shutdown_grace_seconds)
    workers: list[Worker] = []
    if "workflows" in kinds:
        workers.append(_worker(client, queues.workflows, workflows=WORKFLOWS, shutdown_grace=grace))
    if "planning" in kinds:
        planning = PlanningActivities(planner_for(settings))
        workers.append(
            _worker(client, queues.planning, activities=[planning.draft_plan], shutdown_grace=grace)
        )
    cache = source_cache(database, settings)
    blobs = open_blob_store(
        settings.resolved_artifact_storage_url, s3_endpoint_url=settings.s3_endpoint_url
    )
    if "research" in kinds:
        job_activities = JobActivities(
            database,
            blobs,
            engine_factory(settings, cache),
            synthetic_delay=settings.synthetic_batch_delay_seconds,
            retention_days=settings.artifact_retention_days,
        )
        attachments = AttachmentActivities(guard_factory(settings))
        schedule_activities = ScheduleActivities(database, settings)
        workers.append(
            _worker(
                client,
                queues.research,
                activities=[
                    job_activities.start,
                    wrap_run_batch(job_activities) if wrap_run_batch else job_activities.run_batch,
                    job_activities.resolve,
                    job_activities.deliver,
                    job_activities.publish,
                    job_activities.finalize,
                    job_activities.conclude_interrupted,
                    job_activities.reconcile,
                    attachments.load,
                    schedule_activities.start_run,
                    schedule_activities.await_job,
                ],
                shutdown_grace=grace,
            )
        )
    if "browser" in kinds:
        browser = BrowserActivities(renderer_factory(settings), cache)
        workers.append(
            _worker(client, queues.browser, activities=[browser.render_pages], shutdown_grace=grace)
        )
    if "delivery" in kinds:
        hooks = WebhookActivities(database, settings, guard_factory(settings))
        crm = IntegrationActivities(database, settings, guard_factory(settings))
        workers.append(
            _worker(
                client,
                queues.delivery,
                workflows=DELIVERY_WORKFLOWS,
                activities=[
                    hooks.attempt,
                    crm.exchange_code,
                    crm.prepare,
                    crm.push_batch,
                    crm.finish,
                ],
                shutdown_grace=grace,
            )
        )
    if "maintenance" in kinds:
        privacy = PrivacyActivities(database, blobs, Sealer(settings.signing_key()))
        retention = RetentionActivities(database, blobs, cache, privacy)
        workers.append(
            _worker(
                client,
                queues.maintenance,
                activities=[
                    retention.purge_deletion,
                    retention.sweep,
                    privacy.survey,
                    privacy.erase_job,
                    privacy.erase_sources,
                    privacy.finish,
                ],
                shutdown_grace=grace,
            )
        )
    return workers


async def _ensure_schedule(
    client: Client,
    schedule_id: str,
    workflow_name: str,
    request: object,
    *,
    workflow_id: str,
    every: timedelta,
    workflows_queue: str,
) -> None:
    schedule = Schedule(
        action=ScheduleActionStartWorkflow(
            workflow_name,
            request,
            id=workflow_id,
            task_queue=workflows_queue,
        ),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=every)]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )
    with contextlib.suppress(ScheduleAlreadyRunningError):
        await client.create_schedule(schedule_id, schedule)


async def ensure_schedules(client: Client, settings: Settings) -> None:
    """Create the reconciler's and the retention sweep's schedules once per namespace; both
    show in the Temporal UI under Schedules."""
    queues = TaskQueues.from_settings(settings)
    await _ensure_schedule(
        client,
        names.RECONCILE_SCHEDULE_ID,
        names.RECONCILE_WORKFLOW,
        ReconcileRequest(task_queue=queues.research),
        workflow_id="leadex-reconcile",
        every=RECONCILE_EVERY,
        workflows_queue=queues.workflows,
    )
    await _ensure_schedule(
        client,
        names.RETENTION_SCHEDULE_ID,
        names.RETENTION_WORKFLOW,
        RetentionRequest(task_queue=queues.maintenance),
        workflow_id="leadex-retention-sweep",
        every=RETENTION_EVERY,
        workflows_queue=queues.workflows,
    )


def _temporal_metrics_runtime(settings: Settings) -> Runtime | None:
    """A runtime exporting the Temporal SDK's metrics, when a port is configured."""
    if settings.temporal_metrics_port is None:
        return None
    try:
        return prometheus_runtime(f"0.0.0.0:{settings.temporal_metrics_port}")
    except Exception as error:  # the SDK's core raises plain exceptions for a taken port
        logger.error(
            "Temporal SDK metrics not exported on :%s: %s", settings.temporal_metrics_port, error
        )
        return None


async def run(settings: Settings, kinds: Sequence[str] = QUEUE_KINDS) -> None:
    """Poll the given queues until cancelled, then shut down gracefully."""
    client = await connect(settings, _temporal_metrics_runtime(settings))
    if settings.metrics_port is not None:
        try:
            start_http_server(settings.metrics_port)
        except OSError as error:
            # Metrics are for operators; a taken port must not keep the work from running.
            logger.error("worker metrics not served on :%s: %s", settings.metrics_port, error)
    database = Database(settings.resolved_database_url)
    workers = build_workers(client, settings, kinds, database)
    if not workers:
        raise ValueError(f"No workers for queue kinds {list(kinds)}")
    if "research" in kinds or "maintenance" in kinds:
        await ensure_schedules(client, settings)
    logger.info("worker polling %s", ", ".join(worker.task_queue for worker in workers))
    tasks = [worker.run() for worker in workers]
    if "delivery" in kinds:
        tasks.append(OutboxRelay(database, client, settings).run())
    try:
        await asyncio.gather(*tasks)
    finally:
        await asyncio.gather(*(worker.shutdown() for worker in workers), return_exceptions=True)
        await database.dispose()
