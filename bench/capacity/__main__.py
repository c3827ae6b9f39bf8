#!/usr/bin/env python3
"""Capacity on this machine, each figure against a baseline measured in the same run.

- Jobs per minute and leads per minute per worker, for 1, 2 and 3 worker processes (every
  task-queue kind in each) behind one API, on PostgreSQL (or SQLite) and one Temporal dev
  server; the ratio of each count of workers to one worker is the scaling.
- API requests per second for the hot reads (GET a job, list a job's leads) against a bare
  FastAPI endpoint under the same uvicorn, at the same concurrency.

Test mode by default (synthetic research, no pacing: what the orchestration and the store
cost); ``--live`` runs the same on the sandbox web, crawling and extracting real pages.

    .venv/bin/python -m bench.capacity [--jobs 12] [--rows 40] [--workers 1,2,3] [--live]
        [--requests 2000] [--concurrency 16] [--database-url postgresql://…]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from cli import processes
from cli.accounts import mint_key, set_plan
from cli.localstack import running_topology, scratch_database, temporal_server

PROMPT = "Find Series A fintechs in France with 20+ engineers. Pull VP Eng and Head of Growth."
LIVE_PROMPT = "Find Series A fintechs in France. Pull the VP of Engineering."
NAMESPACE = "leadex-capacity"
TERMINAL = {"succeeded", "failed", "stopped"}


@dataclass
class Throughput:
    """One run of jobs through a topology."""

    workers: int
    jobs: int
    leads: int
    seconds: float
    failed: int

    @property
    def jobs_per_minute(self) -> float:
        return self.jobs / self.seconds * 60

    @property
    def leads_per_minute(self) -> float:
        return self.leads / self.seconds * 60


async def _run_jobs(base_url: str, secret: str, jobs: int, rows: int, prompt: str) -> Throughput:
    auth = {"Authorization": f"Bearer {secret}"}
    async with httpx.AsyncClient(base_url=base_url, headers=auth, timeout=120) as client:
        pending = []
        for _ in range(jobs):
            thread = (await client.post("/v1/threads", json={})).json()
            drafted = await client.post(
                f"/v1/threads/{thread['id']}/messages",
                json={"content": prompt, "hints": {"max_rows": rows}},
            )
            drafted.raise_for_status()
            pending.append(drafted.json()["job"]["id"])
        started = time.perf_counter()
        for job_id in pending:
            (await client.post(f"/v1/jobs/{job_id}/approve")).raise_for_status()
        done: dict[str, dict[str, object]] = {}
        while len(done) < len(pending):
            for job_id in pending:
                if job_id not in done:
                    job = (await client.get(f"/v1/jobs/{job_id}")).json()
                    if job["status"] in TERMINAL:
                        done[job_id] = job
            await asyncio.sleep(0.2)
        seconds = time.perf_counter() - started
        leads = 0
        for job_id in pending:
            page = (await client.get(f"/v1/jobs/{job_id}/leads", params={"limit": 1})).json()
            leads += int(page["total"])
    failed = sum(1 for job in done.values() if job["status"] != "succeeded")
    return Throughput(workers=0, jobs=jobs, leads=leads, seconds=seconds, failed=failed)


async def _hammer(client: httpx.AsyncClient, path: str, requests: int, concurrency: int) -> float:
    """Requests per second for ``path`` at ``concurrency`` requests in flight."""
    remaining = requests

    async def one_client() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            response = await client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code} {response.text[:200]}")

    started = time.perf_counter()
    await asyncio.gather(*(one_client() for _ in range(concurrency)))
    return requests / (time.perf_counter() - started)


async def _hot_reads(
    base_url: str, secret: str, job_id: str, work_dir: Path, requests: int, concurrency: int
) -> dict[str, float]:
    port = processes.free_port()
    bare = processes.spawn(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.capacity.bare:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        log=work_dir / "bare.log",
    )
    limits = httpx.Limits(max_connections=concurrency)
    try:
        processes.wait_for_port("127.0.0.1", port, timeout=60, process=bare)
        auth = {"Authorization": f"Bearer {secret}"}
        async with (
            httpx.AsyncClient(base_url=base_url, headers=auth, limits=limits, timeout=120) as api,
            httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=120
            ) as floor,
        ):
            # Warm both up, then alternate so drift on the shared machine hits each alike.
            await _hammer(floor, "/bare", 100, concurrency)
            await _hammer(api, f"/v1/jobs/{job_id}", 100, concurrency)
            figures: dict[str, list[float]] = {"bare": [], "job": [], "leads": []}
            for _ in range(2):
                figures["bare"].append(await _hammer(floor, "/bare", requests, concurrency))
                figures["job"].append(
                    await _hammer(api, f"/v1/jobs/{job_id}", requests, concurrency)
                )
                figures["leads"].append(
                    await _hammer(api, f"/v1/jobs/{job_id}/leads?limit=20", requests, concurrency)
                )
    finally:
        processes.stop(bare)
    return {name: max(values) for name, values in figures.items()}


async def _throughput(
    args: argparse.Namespace,
    work_dir: Path,
    count: int,
    extra_env: dict[str, str],
    prompt: str,
    *,
    with_hot_reads: bool,
) -> tuple[Throughput, dict[str, float]]:
    """Jobs through one API and ``count`` workers; the hot reads too when asked."""
    hot: dict[str, float] = {}
    with (
        temporal_server([NAMESPACE], work_dir / "logs") as temporal,
        scratch_database(args.database_url, work_dir, f"capacity-{count}") as database_url,
        running_topology(
            database_url,
            temporal.address,
            NAMESPACE,
            work_dir / f"w{count}",
            apis=1,
            workers=count,
            extra_env=extra_env,
        ) as topology,
    ):
        minted = await mint_key(
            database_url,
            org_name="capacity",
            livemode=args.live,
            scopes=["read", "run"],
            name="capacity",
        )
        await set_plan(database_url, "capacity", tier="scale", credits=10_000_000)
        base_url = topology.apis[0][0]
        run = await _run_jobs(base_url, minted.secret, args.jobs, args.rows, prompt)
        run.workers = count
        print(
            f"  {count} worker(s): {run.jobs} jobs, {run.leads} leads in "
            f"{run.seconds:.1f} s ({run.failed} not succeeded)",
            flush=True,
        )
        if with_hot_reads:
            auth = {"Authorization": f"Bearer {minted.secret}"}
            async with httpx.AsyncClient(base_url=base_url, headers=auth) as client:
                listing = (await client.get("/v1/jobs", params={"limit": 1})).json()
            hot = await _hot_reads(
                base_url,
                minted.secret,
                listing["data"][0]["id"],
                work_dir,
                args.requests,
                args.concurrency,
            )
    return run, hot


async def _measure(args: argparse.Namespace, work_dir: Path) -> None:
    extra_env = {
        "LEADEX_SYNTHETIC_BATCH_DELAY_SECONDS": "0",
        "LEADEX_LOG_LEVEL": "ERROR",
        "LEADEX_PLANNING_TIMEOUT_SECONDS": "120",
    }
    prompt = PROMPT
    results: list[Throughput] = []
    hot: dict[str, float] = {}
    with contextlib.ExitStack() as sandbox:
        if args.live:
            from cli.main import sandbox_env
            from sandbox import generate
            from sandbox.server import serve_in_thread

            port = sandbox.enter_context(serve_in_thread(generate(args.seed)))
            extra_env |= sandbox_env("127.0.0.1", port)
            prompt = LIVE_PROMPT
        for index, count in enumerate(args.workers):
            run, figures = await _throughput(
                args, work_dir, count, extra_env, prompt, with_hot_reads=index == 0
            )
            results.append(run)
            hot = hot or figures
    _report(args, results, hot)


def _report(args: argparse.Namespace, results: list[Throughput], hot: dict[str, float]) -> None:
    mode = "live (sandbox web)" if args.live else "test"
    cores = os.cpu_count()
    print(f"\nCapacity, {mode} mode, {args.jobs} jobs of {args.rows} rows, {cores} cores")
    base = results[0]
    print(
        f"{'workers':>8} {'jobs/min':>9} {'leads/min':>10} {'jobs/min/worker':>16} "
        f"{'leads/min/worker':>17} {'vs 1 worker':>12}"
    )
    for run in results:
        print(
            f"{run.workers:>8} {run.jobs_per_minute:>9.1f} {run.leads_per_minute:>10.0f} "
            f"{run.jobs_per_minute / run.workers:>16.1f} "
            f"{run.leads_per_minute / run.workers:>17.0f} "
            f"{run.jobs_per_minute / base.jobs_per_minute:>11.2f}x"
        )
    if hot:
        print(f"\nHot reads at {args.concurrency} in flight, against a bare FastAPI endpoint")
        print(f"  bare endpoint        {hot['bare']:>8.0f} req/s   1.00")
        print(f"  GET /v1/jobs/{{id}}    {hot['job']:>8.0f} req/s   {hot['job'] / hot['bare']:.2f}")
        print(
            f"  GET …/leads?limit=20 {hot['leads']:>8.0f} req/s   {hot['leads'] / hot['bare']:.2f}"
        )
    if any(run.failed for run in results):
        raise SystemExit("some jobs did not succeed")


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(prog="bench.capacity", description=__doc__)
    parser.add_argument("--jobs", type=int, default=12, help="jobs per worker count")
    parser.add_argument("--rows", type=int, default=40, help="rows per job")
    parser.add_argument(
        "--workers",
        type=lambda raw: [int(part) for part in raw.split(",")],
        default=[1, 2, 3],
        help="worker counts to measure, the first is the baseline (default 1,2,3)",
    )
    parser.add_argument("--live", action="store_true", help="live mode on the sandbox web")
    parser.add_argument("--seed", type=int, default=2027, help="the sandbox web's seed (live)")
    parser.add_argument("--requests", type=int, default=2000, help="requests per hot-read run")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("LEADEX_TEST_POSTGRES_URL"),
        help="a PostgreSQL URL (default $LEADEX_TEST_POSTGRES_URL; SQLite when unset)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="leadex-capacity-") as scratch:
        asyncio.run(_measure(args, Path(scratch)))


if __name__ == "__main__":
    main()
