"""An in-process worker that replaces a stack's worker process, with parts swapped for a test."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from typing import Any
from unittest import mock

from cli.localstack import TemporalServer
from cli.processes import stop
from core.config import Settings
from core.temporal import connect
from store.db import Database
from tests.support.stack import Stack
from workers.main import QUEUE_KINDS, BatchActivityWrapper, build_workers


@contextlib.asynccontextmanager
async def in_process_worker(
    stack: Stack,
    temporal: TemporalServer,
    *,
    run_batch: BatchActivityWrapper | None = None,
    **settings_overrides: Any,
) -> AsyncIterator[None]:
    """Stop the stack's worker and serve all its queues from this process until the block ends.

    ``run_batch`` wraps the real batch activity (registered under its real name), and
    ``settings_overrides`` change the worker's settings (e.g. no search provider).
    """
    # The stack's own settings (e.g. the sandbox web for live keys), then the test's changes.
    stack_env = {name: value for name, value in stack.env.items() if name.startswith("LEADEX_")}
    with mock.patch.dict(os.environ, stack_env):
        settings = Settings(
            database_url=stack.database_url,
            data_dir=stack.data_dir,
            temporal_address=temporal.address,
            temporal_namespace=f"leadex-{stack.backend}",
            synthetic_batch_delay_seconds=0.0,
            **settings_overrides,
        )
    client = await connect(settings)
    database = Database(stack.database_url)
    workers = build_workers(client, settings, QUEUE_KINDS, database, wrap_run_batch=run_batch)
    if stack.worker is not None:
        stop(stack.worker)
    tasks = [asyncio.create_task(worker.run()) for worker in workers]
    try:
        yield
    finally:
        await asyncio.gather(*(worker.shutdown() for worker in workers), return_exceptions=True)
        for task in tasks:
            task.cancel()
        await database.dispose()
        stack.start_worker()
