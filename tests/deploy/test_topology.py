"""The deployment's topology, for real, without containers: two API processes and three
interchangeable workers on PostgreSQL, an S3-protocol artifact store and one Temporal server.
Mid-run a worker, an API process and the Temporal server are killed with SIGKILL (Temporal is
started again on the same state). Every job completes, no lead is duplicated, and streams cut
by the dead API resume on the other one with Last-Event-ID and miss nothing."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import col, select

from cli import processes
from cli.accounts import mint_key, set_plan
from cli.localstack import RestartableTemporal, running_topology, s3_server
from store.db import Database
from store.models import Lead
from tests.support.flows import draft

JOBS = 20
# Small jobs: the kills land mid-run all the same, and the suite stays within its time.
ROWS = 20
STREAMED = 6
TERMINAL = ("succeeded", "failed", "stopped")


@dataclass
class Followed:
    """What one SSE client saw across its reconnections."""

    events: list[tuple[str, str]] = field(default_factory=list)
    connections: list[str] = field(default_factory=list)


async def _follow(job_id: str, bases: list[str], secret: str, started: asyncio.Event) -> Followed:
    """Read the job's stream from ``bases[0]``; when it is cut, reconnect to the next base
    with Last-Event-ID, until a terminal event."""
    followed = Followed()
    headers = {"Authorization": f"Bearer {secret}", "Accept": "text/event-stream"}
    deadline = asyncio.get_running_loop().time() + 600
    attempt = 0
    while asyncio.get_running_loop().time() < deadline:
        base = bases[min(attempt, len(bases) - 1)]
        attempt += 1
        if followed.events:
            headers["Last-Event-ID"] = followed.events[-1][0]
        followed.connections.append(base)
        try:
            async with (
                httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(60, connect=5)) as client,
                client.stream("GET", f"/v1/jobs/{job_id}/stream", headers=headers) as response,
            ):
                if response.status_code != 200:
                    await asyncio.sleep(0.5)
                    continue
                started.set()
                current: dict[str, str] = {}
                async for line in response.aiter_lines():
                    if line.startswith(":"):
                        continue
                    if line == "":
                        if "id" in current:
                            followed.events.append((current["id"], current.get("event", "")))
                            if current.get("event") in {"done", "error", "stopped"}:
                                return followed
                        current = {}
                        continue
                    name, _, value = line.partition(":")
                    current[name] = value.removeprefix(" ")
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.5)
    raise AssertionError(f"the stream of {job_id} never ended: {followed}")


async def _replay(base: str, job_id: str, secret: str) -> list[tuple[str, str]]:
    """The whole stream of a finished job, read in one go."""
    events: list[tuple[str, str]] = []
    headers = {"Authorization": f"Bearer {secret}", "Accept": "text/event-stream"}
    async with (
        httpx.AsyncClient(base_url=base, timeout=120) as client,
        client.stream("GET", f"/v1/jobs/{job_id}/stream", headers=headers) as response,
    ):
        assert response.status_code == 200
        current: dict[str, str] = {}
        async for line in response.aiter_lines():
            if line == "" and "id" in current:
                events.append((current["id"], current.get("event", "")))
                current = {}
            elif line and not line.startswith(":"):
                name, _, value = line.partition(":")
                current[name] = value.removeprefix(" ")
    return events


async def _wait_all(
    client: httpx.AsyncClient, job_ids: list[str], timeout: float
) -> dict[str, dict[str, Any]]:
    deadline = asyncio.get_running_loop().time() + timeout
    finished: dict[str, dict[str, Any]] = {}
    while len(finished) < len(job_ids):
        for job_id in job_ids:
            if job_id in finished:
                continue
            try:
                response = await client.get(f"/v1/jobs/{job_id}")
            except httpx.HTTPError:
                continue
            if response.status_code == 200 and response.json()["status"] in TERMINAL:
                finished[job_id] = response.json()
        if asyncio.get_running_loop().time() > deadline:
            stuck = sorted(set(job_ids) - set(finished))
            raise AssertionError(f"{len(stuck)} jobs never finished: {stuck}")
        await asyncio.sleep(0.5)
    return finished


async def _lead_counts(database_url: str, job_ids: list[str]) -> dict[str, tuple[int, int]]:
    database = Database(database_url)
    counts: dict[str, tuple[int, int]] = {}
    try:
        async with database.transaction() as session:
            for job_id in job_ids:
                total = (
                    await session.exec(select(func.count()).where(col(Lead.job_id) == job_id))
                ).one()
                distinct = (
                    await session.exec(
                        select(func.count(func.distinct(Lead.entity_key))).where(
                            col(Lead.job_id) == job_id
                        )
                    )
                ).one()
                counts[job_id] = (int(total), int(distinct))
    finally:
        await database.dispose()
    return counts


async def _progress(client: httpx.AsyncClient, job_ids: list[str]) -> int:
    started = 0
    for job_id in job_ids:
        job = (await client.get(f"/v1/jobs/{job_id}")).json()
        started += job["progress"]["step"] >= 1
    return started


@pytest.mark.backends("postgres")
@pytest.mark.timeout(1800)
async def test_two_apis_three_workers_survive_sigkills_of_a_worker_an_api_and_temporal(
    backend: str, database_url: str, tmp_path: Path
) -> None:
    namespace = "leadex-topology"
    temporal = RestartableTemporal([namespace], tmp_path)
    temporal.start()
    try:
        with (
            s3_server("leadex-topology", tmp_path / "logs") as s3_env,
            running_topology(
                database_url,
                temporal.address,
                namespace,
                tmp_path,
                apis=2,
                workers=3,
                extra_env={
                    **s3_env,
                    "LEADEX_SYNTHETIC_BATCH_DELAY_SECONDS": "0.3",
                    # The machine is shared: planning waits for workers still starting up.
                    "LEADEX_PLANNING_TIMEOUT_SECONDS": "120",
                },
            ) as topology,
        ):
            key = await mint_key(
                database_url,
                org_name="topology",
                livemode=False,
                scopes=["read", "run"],
                name="topology",
            )
            await set_plan(database_url, "topology", tier="scale", credits=100_000)
            (doomed_api, doomed_process), (surviving_api, _) = topology.apis
            auth = {"Authorization": f"Bearer {key.secret}"}
            async with (
                httpx.AsyncClient(base_url=doomed_api, headers=auth, timeout=300) as first,
                httpx.AsyncClient(base_url=surviving_api, headers=auth, timeout=300) as second,
            ):
                # Every job is drafted before any is approved (planning is the slow part), and
                # the followed ones are approved last: they are still running when the kills
                # land, so their streams are cut mid-run.
                job_ids: list[str] = []
                for index in range(JOBS):
                    client = (first, second)[index % 2]
                    drafted = await draft(client, hints={"max_rows": ROWS})
                    job_ids.append(drafted["job"]["id"])
                followed_ids = job_ids[-STREAMED:]
                connected = [asyncio.Event() for _ in range(STREAMED)]
                followers = [
                    asyncio.create_task(
                        _follow(job_id, [doomed_api, surviving_api], key.secret, event)
                    )
                    for job_id, event in zip(followed_ids, connected, strict=True)
                ]
                for index, job_id in enumerate(job_ids):
                    approved = await (first, second)[index % 2].post(f"/v1/jobs/{job_id}/approve")
                    assert approved.status_code == 200, approved.text
                await asyncio.wait_for(asyncio.gather(*(e.wait() for e in connected)), 120)
                deadline = asyncio.get_running_loop().time() + 180
                while await _progress(second, job_ids) < 3:
                    assert asyncio.get_running_loop().time() < deadline, "no job got going"
                    await asyncio.sleep(0.3)

                # A worker, then an API process with open streams, then Temporal itself.
                processes.kill(topology.workers[0])
                processes.kill(doomed_process)
                running = [
                    j["id"]
                    for j in (await second.get("/v1/jobs", params={"status": "running"})).json()[
                        "data"
                    ]
                ]
                temporal.kill()
                await asyncio.sleep(2)
                temporal.start()

                finished = await _wait_all(second, job_ids, timeout=600)
                streams = await asyncio.wait_for(asyncio.gather(*followers), 300)
                replays = [
                    await _replay(surviving_api, job_id, key.secret) for job_id in followed_ids
                ]
                leads = {
                    job_id: (
                        await second.get(f"/v1/jobs/{job_id}/leads", params={"limit": 1})
                    ).json()
                    for job_id in job_ids
                }
                record = (
                    await second.get(
                        f"/v1/artifacts/{finished[job_ids[0]]['artifact']['id']}",
                        headers={"Accept": "application/json"},
                    )
                ).json()
                signed = httpx.URL(record["download_url"])
                artifact = await second.get(signed.raw_path.decode())
            counts = await _lead_counts(database_url, job_ids)
    finally:
        temporal.stop()

    assert running, "Temporal was killed while jobs were running"
    assert {job["status"] for job in finished.values()} == {"succeeded"}, [
        (job["id"], job["status"]) for job in finished.values()
    ]
    # Test mode is deterministic: the same prompt and cap give every job the same leads, so a
    # job that lost or doubled any while its worker, API or Temporal died stands out.
    expected = {counts[job_id][0] for job_id in job_ids}
    assert len(expected) == 1, counts
    for job_id in job_ids:
        total, distinct = counts[job_id]
        assert total == distinct > 0, (job_id, total, distinct)
        assert leads[job_id]["total"] == ROWS
    assert len({finished[job_id]["artifact"]["rows"] for job_id in job_ids}) == 1
    # The artifact was written to and is read back from the S3 store.
    assert artifact.status_code == 200 and artifact.text.lstrip("\ufeff").startswith(
        "company_name,"
    )
    for followed, replay in zip(streams, replays, strict=True):
        assert followed.connections[0] == doomed_api
        assert surviving_api in followed.connections, "the stream was never cut"
        # Across the cut nothing is missing and nothing is repeated.
        assert followed.events == replay
        assert followed.events[-1][1] == "done"
