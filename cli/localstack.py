"""A whole Leadex stack on one machine, as child processes: for tests and benchmarks.

A Temporal dev server, then an API and a worker over a migrated database, all on loopback.
"""

from __future__ import annotations

import asyncio
import secrets
import sys
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from subprocess import Popen

import httpx
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from cli import processes
from core.config import Settings
from store import migrate
from workflows.queues import TaskQueues


@dataclass
class TemporalServer:
    """A headless dev server on a free port."""

    address: str
    process: Popen[bytes]


@contextmanager
def temporal_server(
    namespaces: list[str], log_dir: Path, dynamic_config: Mapping[str, int] | None = None
) -> Iterator[TemporalServer]:
    """Start a throwaway Temporal dev server (state in memory)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    port = processes.free_port()
    argv = processes.temporal_dev_server_argv(
        port=port, ui_port=None, db_file=None, namespaces=namespaces, dynamic_config=dynamic_config
    )
    process = processes.spawn(argv, log=log_dir / "temporal.log")
    try:
        processes.wait_for_port("127.0.0.1", port, timeout=60, process=process)
        yield TemporalServer(address=f"127.0.0.1:{port}", process=process)
    finally:
        processes.stop(process)


@dataclass
class LocalStack:
    """A running API and worker over one database."""

    name: str
    database_url: str
    base_url: str
    env: dict[str, str]
    data_dir: Path
    api: Popen[bytes]
    worker: Popen[bytes] | None
    log_dir: Path

    def client(self, secret: str | None = None, **headers: str) -> httpx.AsyncClient:
        """An HTTP client for the API, authenticated with ``secret`` if given."""
        all_headers = dict(headers)
        if secret:
            all_headers["Authorization"] = f"Bearer {secret}"
        return httpx.AsyncClient(base_url=self.base_url, headers=all_headers, timeout=60)

    def start_worker(self, extra_env: Mapping[str, str] | None = None) -> Popen[bytes]:
        """Start a worker process (tests may kill and restart it)."""
        process = processes.spawn(
            [sys.executable, "-m", "cli.main", "worker"],
            env={**self.env, **(extra_env or {})},
            log=self.log_dir / f"worker-{self.name}.log",
        )
        self.worker = process
        return process


def _wait_healthy(base_url: str, process: Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"API exited with {process.returncode}")
        try:
            if httpx.get(f"{base_url}/v1/openapi.json", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError("API did not become healthy")


def _wait_polling(
    address: str, namespace: str, process: Popen[bytes], timeout: float = 180
) -> None:
    """Wait until the worker polls its workflow and planning queues: on a busy machine its
    start can take longer than a request is willing to wait for a plan."""
    queues = TaskQueues.from_settings(Settings())

    async def polled() -> None:
        client = await Client.connect(address, namespace=namespace)
        deadline = time.monotonic() + timeout
        workflow = TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW
        activity = TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY
        pending = [(queues.workflows, workflow), (queues.planning, activity)]
        while pending:
            if process.poll() is not None:
                raise RuntimeError(f"Worker exited with {process.returncode}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"The worker did not poll {pending[0][0]}")
            described = await client.workflow_service.describe_task_queue(
                DescribeTaskQueueRequest(
                    namespace=namespace,
                    task_queue=TaskQueue(name=pending[0][0]),
                    task_queue_type=pending[0][1],
                )
            )
            if described.pollers:
                pending.pop(0)
            else:
                await asyncio.sleep(0.2)

    # In a thread of its own: callers may be inside an event loop (the benches are).
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, polled()).result()


@contextmanager
def running_stack(
    name: str,
    database_url: str,
    temporal_address: str,
    namespace: str,
    work_dir: Path,
    extra_env: Mapping[str, str] | None = None,
    stack_class: type[LocalStack] = LocalStack,
) -> Iterator[LocalStack]:
    """Migrate the database and run an API and a worker against it."""
    data_dir = work_dir / f"data-{name}"
    log_dir = work_dir / "logs"
    data_dir.mkdir(parents=True, exist_ok=True)
    log_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(database_url)
    port = processes.free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        "LEADEX_DATABASE_URL": database_url,
        "LEADEX_DATA_DIR": str(data_dir),
        "LEADEX_TEMPORAL_ADDRESS": temporal_address,
        "LEADEX_TEMPORAL_NAMESPACE": namespace,
        "LEADEX_PUBLIC_BASE_URL": base_url,
        "LEADEX_SECRET_KEY": secrets.token_hex(16),
        "LEADEX_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    api = processes.spawn(
        [sys.executable, "-m", "cli.main", "api", "--port", str(port)],
        env=env,
        log=log_dir / f"api-{name}.log",
    )
    stack = stack_class(
        name=name,
        database_url=database_url,
        base_url=base_url,
        env=env,
        data_dir=data_dir,
        api=api,
        worker=None,
        log_dir=log_dir,
    )
    try:
        worker = stack.start_worker()
        _wait_healthy(base_url, api)
        _wait_polling(temporal_address, namespace, worker)
        yield stack
    finally:
        processes.stop(api)
        if stack.worker is not None:
            processes.stop(stack.worker)


class RestartableTemporal:
    """A dev server whose state is in a file, so it can be killed and started again on the
    same port with every workflow where it was: a stand-in for a cluster's frontend restart."""

    def __init__(self, namespaces: list[str], work_dir: Path) -> None:
        self.port = processes.free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.log = work_dir / "logs" / "temporal.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.argv = processes.temporal_dev_server_argv(
            port=self.port, ui_port=None, db_file=work_dir / "temporal.db", namespaces=namespaces
        )
        self.process: Popen[bytes] | None = None

    def start(self) -> None:
        """Start (or restart) the server and wait until it accepts connections."""
        self.process = processes.spawn(self.argv, log=self.log)
        processes.wait_for_port("127.0.0.1", self.port, timeout=60, process=self.process)

    def kill(self) -> None:
        """SIGKILL, no warning."""
        if self.process is not None:
            processes.kill(self.process)

    def stop(self) -> None:
        """Stop gracefully."""
        if self.process is not None:
            processes.stop(self.process)


@dataclass
class Topology:
    """Several API processes and several workers over one database, one Temporal namespace
    and one artifact store: what a deployment runs, as local processes."""

    env: dict[str, str]
    log_dir: Path
    apis: list[tuple[str, Popen[bytes]]]
    workers: list[Popen[bytes]]
    worker_kinds: list[str]

    def start_api(self) -> str:
        """Start one more API process; returns its base URL once it answers."""
        port = processes.free_port()
        base_url = f"http://127.0.0.1:{port}"
        process = processes.spawn(
            [sys.executable, "-m", "cli.main", "api", "--port", str(port)],
            env=self.env,
            log=self.log_dir / f"api-{port}.log",
        )
        self.apis.append((base_url, process))
        _wait_healthy(base_url, process)
        return base_url

    def start_worker(self, kinds: str | None = None) -> Popen[bytes]:
        """Start one more worker process polling ``kinds`` (every kind by default)."""
        index = len(self.workers)
        argv = [sys.executable, "-m", "cli.main", "worker"]
        chosen = kinds or (self.worker_kinds[index % len(self.worker_kinds)])
        if chosen:
            argv += ["--queues", chosen]
        process = processes.spawn(argv, env=self.env, log=self.log_dir / f"worker-{index}.log")
        self.workers.append(process)
        return process

    def stop(self) -> None:
        """Stop every process this topology started."""
        for _url, api in self.apis:
            processes.stop(api)
        for worker in self.workers:
            processes.stop(worker)


@contextmanager
def running_topology(
    database_url: str,
    temporal_address: str,
    namespace: str,
    work_dir: Path,
    *,
    apis: int,
    workers: int,
    worker_kinds: list[str] | None = None,
    extra_env: Mapping[str, str] | None = None,
) -> Iterator[Topology]:
    """Migrate once, then run ``apis`` API processes and ``workers`` worker processes."""
    log_dir = work_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(database_url)
    env = {
        "LEADEX_DATABASE_URL": database_url,
        "LEADEX_DATA_DIR": str(work_dir / "data"),
        "LEADEX_TEMPORAL_ADDRESS": temporal_address,
        "LEADEX_TEMPORAL_NAMESPACE": namespace,
        # One signing key for every replica, as a deployment sets it.
        "LEADEX_SECRET_KEY": secrets.token_hex(16),
        "LEADEX_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    topology = Topology(
        env=env, log_dir=log_dir, apis=[], workers=[], worker_kinds=worker_kinds or [""]
    )
    try:
        for _ in range(workers):
            topology.start_worker()
        for _ in range(apis):
            topology.start_api()
        yield topology
    finally:
        topology.stop()


@contextmanager
def s3_server(bucket: str, log_dir: Path) -> Iterator[dict[str, str]]:
    """An S3-protocol server on loopback (moto's, from the dev dependencies) with ``bucket``
    made; yields the settings that point Leadex's artifact store at it."""
    import boto3

    port = processes.free_port()
    process = processes.spawn(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        log=log_dir / "s3.log",
    )
    endpoint = f"http://127.0.0.1:{port}"
    env = {
        "LEADEX_ARTIFACT_STORAGE_URL": f"s3://{bucket}/artifacts",
        "LEADEX_S3_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "leadex",
        "AWS_SECRET_ACCESS_KEY": "leadex-secret",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    try:
        processes.wait_for_port("127.0.0.1", port, timeout=60, process=process)
        boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
            region_name=env["AWS_DEFAULT_REGION"],
        ).create_bucket(Bucket=bucket)
        yield env
    finally:
        processes.stop(process)


@contextmanager
def scratch_database(postgres_url: str | None, work_dir: Path, name: str) -> Iterator[str]:
    """A fresh schema in ``postgres_url``, dropped afterwards, or a SQLite file in
    ``work_dir`` when no PostgreSQL is given: for benches that need an empty database."""
    if not postgres_url:
        yield f"sqlite:///{work_dir / f'{name}.db'}"
        return
    import psycopg

    schema = f"leadex_{name.replace('-', '_')}_{secrets.token_hex(4)}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in postgres_url else "?"
    try:
        yield f"{postgres_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
