#!/usr/bin/env python3
"""Job orchestration speed, each number against a baseline measured in the same run.

- approve latency (p50/p99 over N approvals) against a bare ``start_workflow`` call on the
  same Temporal server;
- time from approve to the first ``result`` event, against the job's whole run;
- SSE replay of a large job (history events per second) against reading its raw workflow
  history, and a reconnect from the middle of that stream against a replay from the start.

    .venv/bin/python -m bench.jobs [--approvals 200] [--streams 5] [--replay-rows 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from cli.accounts import mint_key, set_plan
from cli.localstack import running_stack, temporal_server

PROMPT = "Find Series A fintechs in France with 20+ engineers. Pull VP Eng and Head of Growth."
NAMESPACE = "leadex-bench"


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def _pending_jobs(client: httpx.AsyncClient, count: int, rows: int) -> list[str]:
    jobs = []
    for _ in range(count):
        thread = (await client.post("/v1/threads", json={})).json()
        drafted = await client.post(
            f"/v1/threads/{thread['id']}/messages",
            json={"content": PROMPT, "hints": {"max_rows": rows}},
        )
        jobs.append(drafted.json()["job"]["id"])
    return jobs


async def _approve_latencies(client: httpx.AsyncClient, jobs: list[str]) -> list[float]:
    samples = []
    for job in jobs:
        started = time.perf_counter()
        response = await client.post(f"/v1/jobs/{job}/approve")
        samples.append(time.perf_counter() - started)
        response.raise_for_status()
        # Untimed: keep the running jobs under the tier's concurrent-job limit.
        (await client.post(f"/v1/jobs/{job}/stop")).raise_for_status()
    return samples


async def _bare_starts(address: str, count: int) -> list[float]:
    """start_workflow on a queue no worker polls: the orchestrator's own floor."""
    temporal = await Client.connect(
        address, namespace=NAMESPACE, data_converter=pydantic_data_converter
    )
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        handle = await temporal.start_workflow(
            "leadex.bench.noop", id=f"noop-{uuid.uuid4()}", task_queue="leadex-bench-noop"
        )
        samples.append(time.perf_counter() - started)
        await handle.terminate()
    return samples


async def _first_result(client: httpx.AsyncClient, job: str) -> tuple[float, float, int]:
    """Seconds from approve to the first result event and to the end; events seen."""
    started = time.perf_counter()
    await client.post(f"/v1/jobs/{job}/approve")
    first = None
    events = 0
    async with client.stream("GET", f"/v1/jobs/{job}/stream", timeout=600) as response:
        async for line in response.aiter_lines():
            if line.startswith("event:"):
                events += 1
                kind = line.split(":", 1)[1].strip()
                if kind == "result" and first is None:
                    first = time.perf_counter() - started
                if kind in ("done", "error", "stopped"):
                    break
    total = time.perf_counter() - started
    return first if first is not None else total, total, events


async def _replay_rates(
    client: httpx.AsyncClient, address: str, job: str
) -> tuple[float, float, float, float]:
    """History events per second the stream replays from the start, seconds to replay it
    from the start and from its middle (a reconnect), and history events per second read raw."""
    started, ids = time.perf_counter(), []
    async with client.stream("GET", f"/v1/jobs/{job}/stream", timeout=600) as response:
        async for line in response.aiter_lines():
            if line.startswith("id:"):
                ids.append(line.removeprefix("id:").strip())
    from_start = time.perf_counter() - started
    started, tail = time.perf_counter(), 0
    headers = {"Last-Event-ID": ids[len(ids) // 2]}
    async with client.stream(
        "GET", f"/v1/jobs/{job}/stream", headers=headers, timeout=600
    ) as response:
        async for line in response.aiter_lines():
            tail += line.startswith("id:")
    from_middle = time.perf_counter() - started
    assert tail == len(ids) - len(ids) // 2 - 1, (tail, len(ids))
    temporal = await Client.connect(address, namespace=NAMESPACE)
    started, raw = time.perf_counter(), 0
    async for _ in temporal.get_workflow_handle(job).fetch_history_events():
        raw += 1
    raw_seconds = time.perf_counter() - started
    # Both rates in history events per second: the stream replays the same history, into
    # fewer (coarser) events.
    return raw / from_start, from_start, from_middle, raw / raw_seconds


async def main(approvals: int, streams: int, replay_rows: int, database_url: str | None) -> int:
    """Run the measurements and print them."""
    work = Path(tempfile.mkdtemp(prefix="leadex-bench-jobs-"))
    with temporal_server([NAMESPACE], work / "logs") as temporal:
        database = database_url or f"sqlite:///{work / 'bench.db'}"
        print(f"database: {database.split('://')[0]}", flush=True)
        with running_stack("bench", database, temporal.address, NAMESPACE, work) as stack:
            key = await mint_key(
                database, org_name="bench", livemode=False, scopes=["read", "run"], name="b"
            )
            await set_plan(database, "bench", tier="scale", credits=1_000_000)
            async with stack.client(key.secret) as client:
                print(f"drafting {approvals + streams} pending jobs ...", flush=True)
                jobs = await _pending_jobs(client, approvals, rows=6)
                streamed = await _pending_jobs(client, streams, rows=60)
                bare = await _bare_starts(temporal.address, approvals)
                approve = await _approve_latencies(client, jobs)
                runs = [await _first_result(client, job) for job in streamed]
                print(f"running a {replay_rows:,}-lead job for stream replay ...", flush=True)
                [big] = await _pending_jobs(client, 1, rows=replay_rows)
                await _first_result(client, big)
                sse, from_start, from_middle, raw = await _replay_rates(
                    client, temporal.address, big
                )
    report: dict[str, Any] = {
        "approve_p50_ms": 1000 * statistics.median(approve),
        "approve_p99_ms": 1000 * _percentile(approve, 0.99),
        "bare_start_p50_ms": 1000 * statistics.median(bare),
        "bare_start_p99_ms": 1000 * _percentile(bare, 0.99),
    }
    print(
        f"approve latency over {approvals}: p50 {report['approve_p50_ms']:.1f} ms, "
        f"p99 {report['approve_p99_ms']:.1f} ms (target p99 < 200 ms)"
    )
    print(
        f"bare start_workflow:        p50 {report['bare_start_p50_ms']:.1f} ms, "
        f"p99 {report['bare_start_p99_ms']:.1f} ms"
    )
    print(
        f"ratio approve/bare:         p50 "
        f"{report['approve_p50_ms'] / report['bare_start_p50_ms']:.2f}x, p99 "
        f"{report['approve_p99_ms'] / report['bare_start_p99_ms']:.2f}x"
    )
    first = statistics.median(first for first, _, _ in runs)
    whole = statistics.median(total for _, total, _ in runs)
    print(
        f"approve -> first result:    median {first:.2f} s of a {whole:.2f} s run "
        f"({first / whole:.0%} of the run; leads are delivered wave by wave, target: the "
        f"first quarter)"
    )
    print(
        f"SSE replay ({replay_rows:,} leads): {sse:.0f} vs {raw:.0f} history events/s read raw "
        f"({sse / raw:.2f}x)"
    )
    print(
        f"reconnect from the middle:  {from_middle:.2f} s vs {from_start:.2f} s from the start "
        f"({from_middle / from_start:.2f}x)"
    )
    return 0 if report["approve_p99_ms"] < 200 else 1


def cli() -> int:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(prog="bench/jobs", description=__doc__)
    parser.add_argument("--approvals", type=int, default=200)
    parser.add_argument("--streams", type=int, default=5)
    parser.add_argument(
        "--replay-rows", type=int, default=10_000, help="leads of the job whose stream is replayed"
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="e.g. a PostgreSQL URL (with its own schema); default a fresh SQLite file",
    )
    args = parser.parse_args()
    return asyncio.run(main(args.approvals, args.streams, args.replay_rows, args.database_url))


if __name__ == "__main__":
    sys.exit(cli())
