"""An in-process worker that replaces a stack's worker process, with parts swapped for a test."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker

from activities.jobs import JobActivities
from activities.planning import PlanningActivities
from cli.localstack import TemporalServer
from cli.processes import stop
from core.config import Settings
from research.planner import planner_for
from store.blobs import open_blob_store
from store.db import Database
from tests.support.stack import Stack
from workers.research import engine_factory, source_cache
from workflows.jobs import JobWorkflow
from workflows.planning import PlanningWorkflow
from workflows.reconcile import ReconcileWorkflow

RunBatchWrapper = Callable[[JobActivities], Callable[..., Any]]


@contextlib.asynccontextmanager
async def in_process_worker(
    stack: Stack,
    temporal: TemporalServer,
    *,
    run_batch: RunBatchWrapper | None = None,
    **settings_overrides: Any,
) -> AsyncIterator[JobActivities]:
    """Stop the stack's worker and serve its queues from this process until the block ends.

    ``run_batch`` wraps the real batch activity (registered under its real name), and
    ``settings_overrides`` change the worker's settings (e.g. no search provider).
    """
    settings = Settings(
        database_url=stack.database_url,
        data_dir=stack.data_dir,
        temporal_address=temporal.address,
        temporal_namespace=f"leadex-{stack.backend}",
        synthetic_batch_delay_seconds=0.0,
        **settings_overrides,
    )
    client = await Client.connect(
        temporal.address,
        namespace=f"leadex-{stack.backend}",
        data_converter=pydantic_data_converter,
    )
    database = Database(stack.database_url)
    cache = source_cache(database)
    real = JobActivities(
        database,
        open_blob_store(settings.resolved_artifact_storage_url),
        engine_factory(settings, cache),
    )
    batch = run_batch(real) if run_batch else real.run_batch
    planning = PlanningActivities(planner_for(settings))
    workers = [
        Worker(
            client,
            task_queue=settings.task_queue_workflows,
            workflows=[PlanningWorkflow, JobWorkflow, ReconcileWorkflow],
        ),
        Worker(client, task_queue=settings.task_queue_planning, activities=[planning.draft_plan]),
        Worker(
            client,
            task_queue=settings.task_queue_research,
            activities=[
                real.start,
                batch,
                real.resolve,
                real.deliver,
                real.finalize,
                real.reconcile,
            ],
        ),
    ]
    if stack.worker is not None:
        stop(stack.worker)
    tasks = [asyncio.create_task(worker.run()) for worker in workers]
    try:
        yield real
    finally:
        await asyncio.gather(*(worker.shutdown() for worker in workers), return_exceptions=True)
        for task in tasks:
            task.cancel()
        await database.dispose()
        stack.start_worker()
