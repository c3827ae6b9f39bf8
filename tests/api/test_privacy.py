"""Privacy: an access report, an erasure that leaves no copy anywhere (database files, blobs,
source cache, Temporal's own database), a suppression list every later job honours, and a
durable erasure that outlives a worker killed with SIGKILL."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import sys
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from leadex import AsyncLeadex
from sqlalchemy import Text, cast
from sqlmodel import col, select
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from cli import processes
from cli.accounts import mint_key
from cli.localstack import TemporalServer
from cli.main import sandbox_env
from core.clock import utcnow
from core.config import Settings
from core.sealing import Sealer
from research.privacy import Subject
from store.db import Database
from store.models import Lead
from store.repositories import privacy
from store.tenancy import Tenant
from tests.support.asserts import assert_error, assert_id
from tests.support.flows import QUICKSTART, draft, run_to_end
from tests.support.sse import read_stream
from tests.support.stack import Keys, Stack, running_test_stack
from workflows import names
from workflows.privacy import ErasureWorkflow
from workflows.queues import TaskQueues
from workflows.retention_types import RetentionRequest, RetentionResult

PRIVACY_NAMESPACE = "leadex-privacy"
# Not beside the job histories: those are replayed with the job workflows only.
HISTORIES = Path(__file__).parent.parent / "fixtures" / "histories" / "privacy"
FOLLOW_UP = "Same again, but only companies with 30+ engineers."


@pytest.fixture(scope="module")
def privacy_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the privacy stack keeps everything a byte scan reads."""
    return tmp_path_factory.mktemp("privacy")


@pytest.fixture(scope="module")
def file_temporal(privacy_dir: Path) -> Iterator[TemporalServer]:
    """A Temporal dev server that keeps its state in a SQLite file the test can scan."""
    port = processes.free_port()
    argv = processes.temporal_dev_server_argv(
        port=port,
        ui_port=None,
        db_file=privacy_dir / "temporal.db",
        namespaces=[PRIVACY_NAMESPACE],
    )
    process = processes.spawn(argv, log=privacy_dir / "temporal.log")
    try:
        processes.wait_for_port("127.0.0.1", port, timeout=60, process=process)
        yield TemporalServer(address=f"127.0.0.1:{port}", process=process)
    finally:
        processes.stop(process)


@pytest.fixture(scope="module")
def privacy_stack(
    privacy_dir: Path, file_temporal: TemporalServer, live_web_port: int
) -> Iterator[Stack]:
    """A SQLite stack of its own, with live keys researching the sandbox web."""
    with running_test_stack(
        "sqlite",
        f"sqlite:///{privacy_dir / 'leadex.db'}",
        file_temporal.address,
        PRIVACY_NAMESPACE,
        privacy_dir,
        extra_env=sandbox_env("127.0.0.1", live_web_port),
    ) as running:
        yield running


def _forms(term: str) -> list[bytes]:
    """How a value can sit in a file: as UTF-8, or JSON-escaped."""
    return sorted({term.lower().encode(), json.dumps(term)[1:-1].lower().encode()})


def _contents(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return b""  # a running server's journal, gone once its pages reached the database file
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return b"\n".join(archive.read(name) for name in archive.namelist())
    return data


def _holding(paths: list[Path], terms: list[str]) -> list[str]:
    """Which files hold any of ``terms`` (case-insensitive), byte for byte."""
    found = []
    for path in paths:
        if not path.is_file():
            continue
        content = _contents(path).lower()
        found += [
            f"{path.name}: {term}" for term in terms if any(f in content for f in _forms(term))
        ]
    return found


def _database_files(stack_dir: Path) -> list[Path]:
    return sorted(stack_dir.glob("leadex.db*"))


def _temporal_files(stack_dir: Path) -> list[Path]:
    return sorted(stack_dir.glob("temporal.db*"))


def _blob_files(stack: Stack) -> list[Path]:
    return sorted(path for path in (stack.data_dir / "artifacts").rglob("*") if path.is_file())


async def _all_leads(client: httpx.AsyncClient, job_id: str) -> list[dict[str, Any]]:
    leads: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 100}
    while True:
        page = (await client.get(f"/v1/jobs/{job_id}/leads", params=params)).json()
        leads += page["data"]
        if not page["has_more"]:
            return leads
        params["cursor"] = page["next_cursor"]


async def _erased(
    client: httpx.AsyncClient, erasure_id: str, timeout: float = 120
) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        erasure = (await client.get(f"/v1/privacy/erasures/{erasure_id}")).json()
        if erasure["status"] == "succeeded":
            return erasure
        assert asyncio.get_running_loop().time() < deadline, f"erasure stuck: {erasure}"
        await asyncio.sleep(0.2)


async def _first_draft(client: httpx.AsyncClient) -> dict[str, Any]:
    """A plan, asked again if the planner was slow to answer: a fresh stack's first plan
    (a new Temporal namespace, a cold planner) may take longer than the API waits."""
    thread = (await client.post("/v1/threads", json={"title": "privacy"})).json()
    body = {"content": QUICKSTART, "hints": {"max_rows": 4}}
    for _ in range(3):
        response = await client.post(f"/v1/threads/{thread['id']}/messages", json=body)
        if response.status_code == 200:
            return dict(response.json())
    raise AssertionError(response.text)


def _person_terms(lead: dict[str, Any]) -> list[str]:
    person = lead["person"]
    terms = [person["email"], person["full_name"]]
    terms += [
        value
        for key, value in lead["fields"].items()
        if key.startswith("person_") and isinstance(value, str) and "linkedin" in value
    ]
    return terms


def _people(leads: list[dict[str, Any]]) -> set[str]:
    return {lead["person"]["email"] for lead in leads if lead["person"] and lead["person"]["email"]}


@pytest.mark.backends("sqlite")
@pytest.mark.timeout(900)  # four live jobs on a busy machine
async def test_an_erasure_leaves_the_person_nowhere_and_later_jobs_never_deliver_them(
    privacy_stack: Stack, privacy_dir: Path
) -> None:
    stack = privacy_stack
    org = await stack.new_org()
    async with stack.client(org.live) as client:
        first = await _first_draft(client)
        job_a = await run_to_end(client, first["job"]["id"], approve={"max_credits": 400})
        follow = await client.post(
            f"/v1/threads/{job_a['thread_id']}/messages",
            json={"content": FOLLOW_UP, "hints": {"max_rows": 4}},
        )
        assert follow.status_code == 200, follow.text
        job_b = await run_to_end(client, follow.json()["job"]["id"], approve={"max_credits": 400})
        second = await draft(client, QUICKSTART, hints={"max_rows": 4})
        job_c = await run_to_end(client, second["job"]["id"], approve={"max_credits": 400})
        jobs = [job_a, job_b, job_c]
        assert [job["status"] for job in jobs] == ["succeeded"] * 3, jobs
        assert len({job["thread_id"] for job in jobs}) == 2
        leads = {job["id"]: await _all_leads(client, job["id"]) for job in jobs}
        shared = (
            _people(leads[job_a["id"]]) & _people(leads[job_b["id"]]) & _people(leads[job_c["id"]])
        )
        assert shared, leads
        email = sorted(shared)[0]
        lead = next(
            item
            for item in leads[job_a["id"]]
            if item["person"] and item["person"]["email"] == email
        )
        terms = _person_terms(lead)
        # An XLSX rendered before the erasure is rewritten by it too.
        xlsx = await client.get(
            f"/v1/artifacts/{job_a['artifact']['id']}",
            params={"format": "xlsx"},
            follow_redirects=True,
        )
        assert xlsx.status_code == 200

        before_db = _holding(_database_files(privacy_dir), terms)
        before_blobs = _holding(_blob_files(stack), terms)
        before_temporal = _holding(_temporal_files(privacy_dir), terms)

        report = await client.get("/v1/privacy/people", params={"email": email.upper()})
        assert report.status_code == 200, report.text
        found = report.json()
        erasure = await client.post("/v1/privacy/erasures", json={"email": email})
        assert erasure.status_code == 200, erasure.text
        done = await _erased(client, erasure.json()["id"])
        after_report = (await client.get("/v1/privacy/people", params={"email": email})).json()
        artifacts_after = {
            job["id"]: (
                await client.get(f"/v1/artifacts/{job['artifact']['id']}", follow_redirects=True)
            ).text
            for job in jobs
        }

        after_db = _holding(_database_files(privacy_dir), terms)
        after_blobs = _holding(_blob_files(stack), terms)
        after_temporal = _holding(_temporal_files(privacy_dir), terms)
        temporal_state = [_contents(path) for path in _temporal_files(privacy_dir)]

        # A later job that would find the person delivers every other lead, and nothing of a
        # domain the organization suppressed.
        other_domain = sorted(
            {item["company"]["domain"] for item in leads[job_c["id"]]} - {lead["company"]["domain"]}
        )[0]
        suppressed = await client.post(
            "/v1/privacy/suppressions", json={"domain": f"https://www.{other_domain}/"}
        )
        assert suppressed.status_code == 200, suppressed.text
        # Room for every company the earlier search found: the cap must not be what drops a lead.
        later = await draft(client, QUICKSTART, hints={"max_rows": 20})
        job_d = await run_to_end(client, later["job"]["id"], approve={"max_credits": 400})
        later_leads = await _all_leads(client, job_d["id"])
        stream = await read_stream(client, f"/v1/jobs/{job_d['id']}/stream")
        later_csv = (
            await client.get(f"/v1/artifacts/{job_d['artifact']['id']}", follow_redirects=True)
        ).text
    # Not even the later job's working records keep the person (the public page it read
    # again may be cached anew: that is the open web, not the person's record).
    kept = await stack.query(
        select(Lead.id).where(
            col(Lead.job_id) == job_d["id"], cast(Lead.person, Text).ilike(f"%{email}%")
        )
    )

    # The scan can see the person where they were stored, and job histories never held them.
    assert any("leadex.db" in hit for hit in before_db), before_db
    assert any(".csv" in hit for hit in before_blobs) and any(
        ".xlsx" in hit for hit in before_blobs
    ), before_blobs
    assert before_temporal == []

    # The access report: records in every job, the artifact rows, the grounding pages.
    assert {record["job_id"] for record in found["leads"]} == {job["id"] for job in jobs}
    assert {item["artifact_id"] for item in found["artifacts"]} == {
        job["artifact"]["id"] for job in jobs
    }
    assert all(item["rows"] and email in json.dumps(item["rows"]) for item in found["artifacts"])
    assert found["sources"] and any(page["mentions_person"] for page in found["sources"])
    assert found["suppressed"] is False

    # The erasure: answered at once with an id and a status, then done, with counts and a hash.
    assert_id(erasure.json()["id"], "era")
    assert erasure.json()["status"] == "pending"
    assert erasure.json()["identifier_hash"] == found["identifier_hash"]
    counts = done["counts"]
    assert counts["jobs"] == 3 and counts["artifacts"] == 3 and counts["records"] >= 3, done
    assert counts["pages"] >= 1 and counts["suppressions"] >= 2, done
    assert after_report["leads"] == [] and after_report["artifacts"] == []
    assert after_report["suppressed"] is True and after_report["erasure_ids"] == [done["id"]]
    assert all(email not in text for text in artifacts_after.values())
    assert all(text.count("\n") >= 2 for text in artifacts_after.values())  # the others stay

    # Nowhere: database files (free pages and the log included), blobs, cache, Temporal.
    assert after_db == [] and after_blobs == [] and after_temporal == []
    assert any(done["id"].encode() in data for data in temporal_state), "the scan sees Temporal"
    temporal = await Client.connect(
        stack.env["LEADEX_TEMPORAL_ADDRESS"], namespace=PRIVACY_NAMESPACE
    )
    history = await temporal.get_workflow_handle(done["id"]).fetch_history()
    history_text = json.dumps(history.to_json_dict())
    assert done["id"] in history_text
    assert not any(term.lower() in history_text.lower() for term in terms)

    # The later job: every other lead of the same search, but not the person, not the domain.
    expected = {
        item["person"]["email"] if item["person"] else item["company"]["domain"]
        for item in leads[job_c["id"]]
        if item["company"]["domain"] != other_domain
        and not (item["person"] and item["person"]["email"] == email)
    }
    delivered = {
        item["person"]["email"] if item["person"] else item["company"]["domain"]
        for item in later_leads
    }
    assert job_d["status"] == "succeeded"
    assert expected and expected <= delivered
    assert email not in delivered
    assert all(item["company"]["domain"] != other_domain for item in later_leads)
    assert email not in json.dumps([event.data for event in stream.events])
    assert email not in later_csv and other_domain not in later_csv
    assert kept == []


async def test_an_erasure_finishes_even_when_the_worker_is_killed(
    stack: Stack, org: Keys, temporal: TemporalServer
) -> None:
    async with stack.client(org.test) as client:
        job = await run_to_end(client, (await _first_draft(client))["job"]["id"])
        leads = await _all_leads(client, job["id"])
        email = sorted(_people(leads))[0]
        assert stack.worker is not None
        stack.worker.send_signal(signal.SIGKILL)
        stack.worker.wait(timeout=10)
        requested = await client.post("/v1/privacy/erasures", json={"email": email})
        await asyncio.sleep(1.0)
        while_down = (await client.get(f"/v1/privacy/erasures/{requested.json()['id']}")).json()
        still_there = _people(await _all_leads(client, job["id"]))
        stack.start_worker()
        done = await _erased(client, requested.json()["id"], timeout=300)
        remaining = await _all_leads(client, job["id"])
        csv = (
            await client.get(f"/v1/artifacts/{job['artifact']['id']}", follow_redirects=True)
        ).text
        events = (await client.get("/v1/privacy/erasures")).json()
    assert requested.status_code == 200, requested.text
    assert while_down["status"] == "pending" and while_down["counts"] is None
    assert email in still_there
    assert done["status"] == "succeeded" and done["counts"]["records"] >= 1
    assert done["counts"]["artifacts"] == 1
    assert email not in _people(remaining) and len(remaining) == len(leads) - 1
    assert email not in csv
    assert [item["id"] for item in events["data"]] == [done["id"]]
    temporal_client = await Client.connect(temporal.address, namespace=f"leadex-{stack.backend}")
    handle = temporal_client.get_workflow_handle(done["id"])
    described = await handle.describe()
    assert described.status == WorkflowExecutionStatus.COMPLETED
    fresh = await handle.fetch_history()
    history = json.dumps(fresh.to_json_dict())
    assert email not in history and done["id"] in history
    recorded = HISTORIES / "erasure.json"
    if os.environ.get("LEADEX_RECORD_HISTORIES") == "1":
        recorded.parent.mkdir(parents=True, exist_ok=True)
        recorded.write_text(fresh.to_json())
    replayer = Replayer(workflows=[ErasureWorkflow], data_converter=pydantic_data_converter)
    await replayer.replay_workflow(WorkflowHistory.from_json("erasure", recorded.read_text()))
    await replayer.replay_workflow(fresh)


async def test_privacy_needs_an_admin_key_of_the_same_organization(stack: Stack, org: Keys) -> None:
    runner = await mint_key(
        stack.database_url, org_name=org.org, livemode=False, scopes=["read", "run"], name="run"
    )
    other = await stack.new_org()
    async with stack.client(org.test) as client:
        erasure = await client.post("/v1/privacy/erasures", json={"email": "ada@scope.example"})
        suppression = await client.post(
            "/v1/privacy/suppressions", json={"email": "ada@scope.example"}
        )
    assert erasure.status_code == 200 and suppression.status_code == 200
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "/v1/privacy/people", {"params": {"email": "ada@scope.example"}}),
        ("POST", "/v1/privacy/erasures", {"json": {"email": "ada@scope.example"}}),
        ("GET", "/v1/privacy/erasures", {}),
        ("GET", f"/v1/privacy/erasures/{erasure.json()['id']}", {}),
        ("POST", "/v1/privacy/suppressions", {"json": {"domain": "scope.example"}}),
        ("GET", "/v1/privacy/suppressions", {}),
        ("DELETE", f"/v1/privacy/suppressions/{suppression.json()['id']}", {}),
    ]
    for secret in (org.read_only, runner.secret):
        async with stack.client(secret) as client:
            for method, path, extra in calls:
                response = await client.request(method, path, **extra)
                error = assert_error(response, 403, "permission_error")
                assert "'admin'" in str(error["message"]) or "'run'" in str(error["message"])
    async with stack.client(other.test) as client:
        foreign_erasure = await client.get(f"/v1/privacy/erasures/{erasure.json()['id']}")
        foreign_delete = await client.delete(f"/v1/privacy/suppressions/{suppression.json()['id']}")
        foreign_list = (await client.get("/v1/privacy/suppressions")).json()
        foreign_report = (
            await client.get("/v1/privacy/people", params={"email": "ada@scope.example"})
        ).json()
    async with stack.client(org.live) as client:
        other_mode = await client.get(f"/v1/privacy/erasures/{erasure.json()['id']}")
    assert_error(foreign_erasure, 404, "not_found", param="erasure_id")
    assert_error(foreign_delete, 404, "not_found", param="suppression_id")
    assert_error(other_mode, 404, "not_found", param="erasure_id")
    assert foreign_list["data"] == [] and foreign_report["suppressed"] is False
    assert foreign_report["erasure_ids"] == []


async def test_privacy_requests_name_one_person_precisely(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        missing = await client.post("/v1/privacy/erasures", json={})
        both = await client.post(
            "/v1/privacy/erasures", json={"email": "a@b.example", "name": "Ada Lovelace"}
        )
        bad_email = await client.post("/v1/privacy/erasures", json={"email": "not-an-email"})
        no_domain = await client.get("/v1/privacy/people", params={"name": "Ada Lovelace"})
        bad_domain = await client.post(
            "/v1/privacy/erasures", json={"name": "Ada Lovelace", "domain": "not a domain"}
        )
        domain_only = await client.post("/v1/privacy/erasures", json={"domain": "b.example"})
        wrong_type = await client.post("/v1/privacy/suppressions", json={"email": 42})
        extra = await client.post("/v1/privacy/suppressions", json={"phone": "+33 1"})
        by_name = await client.post(
            "/v1/privacy/erasures", json={"name": "Ada Lovelace", "domain": "B.example"}
        )
        unknown = await client.get("/v1/privacy/erasures/era_01HXA4Z2M8V5WC9T7R1K3QJ5ZZ")
    assert_error(missing, 400, "invalid_request_error", param="email")
    assert_error(both, 422, "invalid_request_error", param="name")
    assert_error(bad_email, 422, "invalid_request_error", param="email")
    assert_error(no_domain, 400, "invalid_request_error", param="domain")
    assert_error(bad_domain, 422, "invalid_request_error", param="domain")
    assert_error(domain_only, 400, "invalid_request_error", param="name")
    assert_error(wrong_type, 400, "invalid_request_error", param="email")
    assert_error(extra, 422, "invalid_request_error", param="phone")
    assert by_name.status_code == 200 and by_name.json()["kind"] == "name"
    assert "Ada" not in by_name.text and "Lovelace" not in by_name.text
    assert_error(unknown, 404, "not_found", param="erasure_id")


async def test_the_suppression_list_keeps_hashes_once_and_guards_erased_people(
    stack: Stack, org: Keys
) -> None:
    async with stack.client(org.test) as client:
        first = await client.post("/v1/privacy/suppressions", json={"email": "Bo@Hash.example"})
        again = await client.post("/v1/privacy/suppressions", json={"email": "bo@hash.example "})
        domain = await client.post("/v1/privacy/suppressions", json={"domain": "hash.example"})
        named = await client.post(
            "/v1/privacy/suppressions", json={"name": "Bo Ström", "domain": "hash.example"}
        )
        lookup = (
            await client.get("/v1/privacy/suppressions", params={"email": "bo@hash.example"})
        ).json()
        listed = (await client.get("/v1/privacy/suppressions")).json()
        removed = await client.delete(f"/v1/privacy/suppressions/{domain.json()['id']}")
        erasure = await client.post("/v1/privacy/erasures", json={"email": "cy@hash.example"})
        await _erased(client, erasure.json()["id"])
        by_erasure = (
            await client.get("/v1/privacy/suppressions", params={"email": "cy@hash.example"})
        ).json()
        kept = await client.delete(f"/v1/privacy/suppressions/{by_erasure['data'][0]['id']}")
    assert first.status_code == 200 and first.json()["kind"] == "email"
    assert again.json()["id"] == first.json()["id"]
    assert domain.json()["kind"] == "domain" and named.json()["kind"] == "name"
    assert "hash.example" not in first.text + domain.text + named.text
    assert [item["id"] for item in lookup["data"]] == [first.json()["id"]]
    assert listed["total"] == 3
    assert removed.status_code == 200 and removed.json()["deleted"] is True
    assert by_erasure["data"][0]["erasure_id"] == erasure.json()["id"]
    assert_error(kept, 409, "conflict", param="suppression_id")


async def test_an_operator_erases_from_the_command_line(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        job = await run_to_end(client, (await _first_draft(client))["job"]["id"])
        email = sorted(_people(await _all_leads(client, job["id"])))[0]
        command = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "cli.main",
            "privacy",
            "erase",
            "--org",
            org.org,
            "--email",
            email,
            "--mode",
            "test",
            env={**os.environ, **stack.env},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(command.communicate(), timeout=120)
        remaining = _people(await _all_leads(client, job["id"]))
        listed = (await client.get("/v1/privacy/erasures")).json()
        suppressed = (await client.get("/v1/privacy/suppressions", params={"email": email})).json()
    assert command.returncode == 0, err.decode()
    text = out.decode()
    assert "era_" in text and "(test," in text and "'artifacts': 1" in text, text
    assert email not in text
    assert email not in remaining
    assert [item["status"] for item in listed["data"]] == ["succeeded"]
    assert listed["data"][0]["id"] in text
    assert suppressed["total"] == 1


async def test_the_retention_sweep_finishes_an_erasure_whose_run_never_started(
    stack: Stack, org: Keys, temporal: TemporalServer
) -> None:
    async with stack.client(org.test) as client:
        job = await run_to_end(client, (await _first_draft(client))["job"]["id"])
        email = sorted(_people(await _all_leads(client, job["id"])))[0]
        # As if the API process died between committing the erasure and starting its run.
        database = Database(stack.database_url)
        try:
            async with database.transaction() as session:
                subject = Subject(email=email)
                sealer = Sealer(stack.env["LEADEX_SECRET_KEY"].encode())
                erasure = await privacy.record_erasure(
                    session,
                    Tenant(org_id=org.org_id, livemode=False),
                    subject,
                    sealer.seal(subject.model_dump_json()),
                    requested_by="test",
                )
                erasure.requested_at = utcnow() - timedelta(minutes=20)
                session.add(erasure)
        finally:
            await database.dispose()
        pending = (await client.get(f"/v1/privacy/erasures/{erasure.id}")).json()
        queues = TaskQueues.from_settings(Settings())
        temporal_client = await Client.connect(
            temporal.address,
            namespace=f"leadex-{stack.backend}",
            data_converter=pydantic_data_converter,
        )
        swept = await temporal_client.execute_workflow(
            names.RETENTION_WORKFLOW,
            RetentionRequest(task_queue=queues.maintenance),
            id=f"retention-privacy-{erasure.id}",
            task_queue=queues.workflows,
            result_type=RetentionResult,
        )
        done = (await client.get(f"/v1/privacy/erasures/{erasure.id}")).json()
        remaining = _people(await _all_leads(client, job["id"]))
    assert pending["status"] == "pending"
    assert swept.erasures >= 1
    assert done["status"] == "succeeded" and done["counts"]["records"] >= 1
    assert email not in remaining


async def test_the_sdk_speaks_privacy(stack: Stack, org: Keys) -> None:
    async with AsyncLeadex(api_key=org.test, base_url=stack.base_url) as client:
        entry = await client.privacy.suppress(domain="sdk.example")
        found = [item async for item in await client.privacy.suppressions(domain="sdk.example")]
        erasure = await client.privacy.erase(email="dee@sdk.example")
        while (await client.privacy.erasure(erasure.id)).status != "succeeded":
            await asyncio.sleep(0.2)
        done = await client.privacy.erasure(erasure.id)
        report = await client.privacy.people(email="dee@sdk.example")
        audit = [item.id async for item in await client.privacy.erasures()]
        removed = await client.privacy.unsuppress(entry.id)
    assert entry.kind == "domain" and [item.id for item in found] == [entry.id]
    assert done.counts is not None and done.counts.records == 0
    assert report.suppressed is True and report.erasure_ids == [erasure.id]
    assert audit == [erasure.id] and removed.deleted is True
