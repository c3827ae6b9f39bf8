"""Jobs as durable workflows: approve, stream, stop, ceilings, artifacts, leads, search."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from collections.abc import Sequence
from typing import Any

import httpx
import openpyxl
import pytest
from temporalio.client import Client, WorkflowExecutionDescription, WorkflowExecutionStatus
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError, RPCStatusCode

from api.jobs.events import JobEventSource, parse_event_id
from cli.localstack import TemporalServer
from store.db import Database
from store.tenancy import Tenant
from tests.support.asserts import assert_error, assert_id, assert_timestamp
from tests.support.flows import QUICKSTART, draft, run_to_end, wait_for_status
from tests.support.sse import read_stream
from tests.support.stack import Keys, Stack
from tests.support.workers import in_process_worker
from workflows import names

LEAD_KEYS = {
    "id",
    "object",
    "livemode",
    "job_id",
    "company",
    "person",
    "fields",
    "sources",
    "confidence",
}


def _csv(body: bytes) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    return rows[0], rows[1:]


async def test_quickstart_end_to_end(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        # 1–2: thread and message
        drafted = await draft(client)
        job_id = drafted["job"]["id"]
        plan = drafted["plan"]
        # 3: approve
        approved = await client.post(f"/v1/jobs/{job_id}/approve")
        assert approved.status_code == 200, approved.text
        assert approved.json()["status"] == "running"
        # 4: stream
        stream = await read_stream(client, f"/v1/jobs/{job_id}/stream")
        # 5: download
        job = (await client.get(f"/v1/jobs/{job_id}")).json()
        art = job["artifact"]["id"]
        download = await client.get(f"/v1/artifacts/{art}", follow_redirects=True)

    assert stream.closed_by_server
    assert stream.types[-1] == "done"
    done = stream.events[-1].data
    assert done["job_id"] == job_id and done["artifact_id"] == art
    assert done["job"]["status"] == "succeeded"
    started = [
        e.data["step_id"]
        for e in stream.events
        if e.type == "step" and e.data["status"] == "started"
    ]
    completed = [
        e.data["step_id"]
        for e in stream.events
        if e.type == "step" and e.data["status"] == "completed"
    ]
    assert started == completed == [step["id"] for step in plan["steps"]]
    # Results stream while the job runs: the first leads arrive before discovery has ended,
    # and before any later step has finished its work.
    first_result = stream.types.index("result")
    completions = [
        index
        for index, e in enumerate(stream.events)
        if e.type == "step" and e.data["status"] == "completed"
    ]
    assert first_result < completions[0], stream.types
    assert stream.types.count("result") > 1
    for event in stream.events:
        if event.type == "step":
            assert event.data["title"]
    assert "result" in stream.types and "artifact" in stream.types and "log" in stream.types
    streamed = [lead for e in stream.events if e.type == "result" for lead in e.data["leads"]]
    # Log lines are running totals in plain English: none repeats, and counts agree in number.
    lines = [e.data["message"] for e in stream.events if e.type == "log"]
    assert lines and len(lines) == len(set(lines)), lines
    assert not re.search(r"\b1 (people|pages|companies|records|leads)\b", " ".join(lines))
    assert any(re.search(r"\d+ of \d+ companies done|all \d+ companies done", x) for x in lines)

    assert job["status"] == "succeeded"
    assert job["credits_used"] == 0  # test mode is free
    assert job["progress"] == {
        "step": len(plan["steps"]),
        "total": len(plan["steps"]),
        "percent": 100,
    }
    assert_timestamp(job["started_at"])
    assert_timestamp(job["finished_at"])
    assert job["summary"] and job["error"] is None
    assert_id(art, "art")

    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    header, rows = _csv(download.content)
    expected = list(dict.fromkeys(c for step in plan["steps"] for c in step["expected_columns"]))
    roles = ("vp_eng_", "head_of_growth_")
    company_columns = [column for column in expected if not column.startswith(roles)]
    assert header[: len(company_columns) + 2] == [*company_columns, "country", "matched_criteria"]
    assert header[len(company_columns) + 2 : len(company_columns) + 6] == [
        "vp_eng_name",
        "vp_eng_title",
        "vp_eng_email",
        "vp_eng_linkedin",
    ]
    assert header[-3:] == ["contacts", "confidence", "sources"]
    assert len(streamed) == plan["target_rows"]
    # One row per company, and every streamed lead's company has its row.
    domains = [row[header.index("domain")] for row in rows]
    assert len(domains) == len(set(domains)) == job["artifact"]["rows"]
    assert set(domains) == {lead["company"]["domain"] for lead in streamed}
    assert job["artifact"]["bytes"] == len(download.content)
    names = [row[header.index("company_name")] for row in rows]
    assert all(names)
    both = [
        row
        for row in rows
        if row[header.index("vp_eng_name")] and row[header.index("head_of_growth_name")]
    ]
    assert both, "no row has both requested people"
    # Ranked: companies with every requested person first, then by confidence.
    contacts = [row[header.index("contacts")] for row in rows]
    tiers = ["complete", "partial", "none"]
    assert contacts == sorted(contacts, key=tiers.index)
    for group in ("complete", "partial", "none"):
        scores = [float(row[-2]) for row, kind in zip(rows, contacts, strict=True) if kind == group]
        assert scores == sorted(scores, reverse=True)
    assert all(row[header.index("sources")].startswith("https://") for row in rows)

    lead = streamed[0]
    assert set(lead) == LEAD_KEYS
    assert set(lead["company"]) == {"name", "domain", "linkedin", "hq_city"}
    assert set(lead["person"]) == {"full_name", "title", "email"}
    assert lead["company"]["domain"].endswith(".example")
    assert all(source["kind"] == "synthetic" for source in lead["sources"])
    assert 0 < lead["confidence"] <= 1


async def test_stream_replays_exactly_after_any_event(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        drafted = await draft(client, hints={"max_rows": 12})
        job_id = drafted["job"]["id"]
        await client.post(f"/v1/jobs/{job_id}/approve")
        # Read part of the stream while the job runs, then resume from the last id seen.
        head = await read_stream(client, f"/v1/jobs/{job_id}/stream", max_events=3)
        tail = await read_stream(client, f"/v1/jobs/{job_id}/stream", last_event_id=head.ids[-1])
        full = await read_stream(client, f"/v1/jobs/{job_id}/stream")
        resumed = {}
        for cut in (0, 1, len(full.events) // 2, len(full.events) - 2):
            resumed[cut] = await read_stream(
                client, f"/v1/jobs/{job_id}/stream", last_event_id=full.ids[cut]
            )
        after_end = await read_stream(
            client, f"/v1/jobs/{job_id}/stream", last_event_id=full.ids[-1], timeout=10
        )
        bad = await client.get(f"/v1/jobs/{job_id}/stream", headers={"Last-Event-ID": "nope"})
        logs = (await client.get(f"/v1/jobs/{job_id}/logs", params={"limit": 100})).json()

    assert len(set(full.ids)) == len(full.ids)
    assert full.types[-1] == "done"
    assert [(e.id, e.type, e.data) for e in head.events + tail.events] == [
        (e.id, e.type, e.data) for e in full.events
    ]
    for cut, stream in resumed.items():
        assert [(e.id, e.data) for e in stream.events] == [
            (e.id, e.data) for e in full.events[cut + 1 :]
        ]
        assert stream.closed_by_server
    assert after_end.events == [] and after_end.closed_by_server
    assert_error(bad, 400, "invalid_request_error", param="Last-Event-ID")
    assert [entry["id"] for entry in logs["data"]] == full.ids
    assert [entry["type"] for entry in logs["data"]] == full.types
    assert logs["data"][0]["object"] == "log_entry"


class _CountingSource(JobEventSource):
    """Counts the leads the stream reads from the database."""

    read: list[str]

    async def _leads(self, ids: Sequence[str]) -> dict[str, str]:
        self.read = [*getattr(self, "read", []), *ids]
        return await super()._leads(ids)


@pytest.mark.backends("sqlite")
async def test_a_resumed_stream_reads_only_the_missed_tail(
    stack: Stack, org: Keys, temporal: TemporalServer
) -> None:
    async with stack.client(org.test) as client:
        drafted = await draft(client, hints={"max_rows": 12})
        job = await run_to_end(client, drafted["job"]["id"])
        full = await read_stream(client, f"/v1/jobs/{job['id']}/stream")
    client_ = await Client.connect(
        temporal.address,
        namespace=f"leadex-{stack.backend}",
        data_converter=pydantic_data_converter,
    )
    database = Database(stack.database_url)
    try:
        tenant = Tenant(org_id=org.org_id, livemode=False)
        everything = _CountingSource(client_, database, tenant, job["id"])
        whole = [event async for event in everything.events(follow=False)]
        last_result = max(i for i, event in enumerate(full.events) if event.type == "result")
        resume = parse_event_id(full.ids[last_result])
        tail = _CountingSource(client_, database, tenant, job["id"])
        missed = [event async for event in tail.events(follow=False, after=resume)]
    finally:
        await database.dispose()
    assert [event.id for event in whole] == full.ids
    assert [event.id for event in missed] == full.ids[last_result + 1 :]
    assert len(everything.read) == 12  # every delivered lead, once
    assert getattr(tail, "read", []) == []  # nothing before the resume point is looked up


async def test_logs_paginate(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        drafted = await draft(client, hints={"max_rows": 6})
        await run_to_end(client, drafted["job"]["id"])
        # The row turns terminal a moment before the run's history closes; the stream
        # ends with the history.
        await read_stream(client, f"/v1/jobs/{drafted['job']['id']}/stream")
        everything = (await client.get(f"/v1/jobs/{drafted['job']['id']}/logs")).json()
        first = (
            await client.get(f"/v1/jobs/{drafted['job']['id']}/logs", params={"limit": 4})
        ).json()
        second = (
            await client.get(
                f"/v1/jobs/{drafted['job']['id']}/logs",
                params={"limit": 100, "cursor": first["next_cursor"]},
            )
        ).json()
    assert first["has_more"] is True and len(first["data"]) == 4
    assert [e["id"] for e in first["data"] + second["data"]] == [
        e["id"] for e in everything["data"]
    ]


async def test_approve_and_stop_transitions(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        drafted = await draft(client, hints={"max_rows": 4})
        job_id = drafted["job"]["id"]
        first, second = await asyncio.gather(
            client.post(f"/v1/jobs/{job_id}/approve"), client.post(f"/v1/jobs/{job_id}/approve")
        )
        finished = await wait_for_status(client, job_id, ("succeeded",))
        again = await client.post(f"/v1/jobs/{job_id}/approve")
        stop_done = await client.post(f"/v1/jobs/{job_id}/stop")

        pending = await draft(client, hints={"max_rows": 4})
        stopped = await client.post(
            f"/v1/jobs/{pending['job']['id']}/stop", json={"reason": "changed my mind"}
        )
        approve_stopped = await client.post(f"/v1/jobs/{pending['job']['id']}/approve")
        bad_ceiling = await client.post(
            f"/v1/jobs/{pending['job']['id']}/approve", json={"max_credits": 0}
        )
        unknown = await client.post("/v1/jobs/job_missing/approve")
    statuses = sorted([first.status_code, second.status_code])
    assert statuses == [200, 409]
    loser = first if first.status_code == 409 else second
    assert_error(loser, 409, "conflict")
    assert finished["status"] == "succeeded"
    assert "only a pending job" in str(assert_error(again, 409, "conflict")["message"])
    assert_error(stop_done, 409, "conflict")
    assert stopped.status_code == 200 and stopped.json()["status"] == "stopped"
    assert_error(approve_stopped, 409, "conflict")
    assert_error(bad_ceiling, 422, "invalid_request_error", param="max_credits")
    assert_error(unknown, 404, "not_found", param="job_id")


async def test_stop_mid_run_leaves_a_partial_artifact(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        drafted = await draft(client, hints={"max_rows": 2000})
        job_id = drafted["job"]["id"]
        await client.post(f"/v1/jobs/{job_id}/approve")
        # Wait until the discovery step has produced something.
        head = await read_stream(client, f"/v1/jobs/{job_id}/stream", max_events=4)
        assert "log" in head.types
        loop = asyncio.get_running_loop()
        asked = loop.time()
        stopped = await client.post(f"/v1/jobs/{job_id}/stop", json={"reason": "enough for now"})
        took = loop.time() - asked
        rest = await read_stream(client, f"/v1/jobs/{job_id}/stream", last_event_id=head.ids[-1])
        job = (await client.get(f"/v1/jobs/{job_id}")).json()
        record = await client.get(
            f"/v1/artifacts/{job['artifact']['id']}", headers={"Accept": "application/json"}
        )
        leads = (await client.get(f"/v1/jobs/{job_id}/leads", params={"limit": 100})).json()
    assert stopped.status_code == 200
    assert stopped.json()["status"] == "stopped", "stop should land within the wait bound"
    assert took < 6
    assert rest.types[-1] == "stopped"
    assert rest.events[-1].data["reason"] == "enough for now"
    assert job["status"] == "stopped"
    assert "enough for now" in job["summary"]
    assert job["artifact"]["rows"] > 0
    assert job["artifact"]["rows"] < drafted["plan"]["target_rows"]
    assert record.json()["partial"] is True
    # Every lead delivered before the stop is kept; the artifact has a row per company.
    assert 0 < leads["total"] == len(leads["data"])
    assert len({lead["company"]["domain"] for lead in leads["data"]}) == job["artifact"]["rows"]


async def test_credit_ceiling_stops_before_the_batch_that_would_exceed_it(
    stack: Stack, org: Keys
) -> None:
    async with stack.client(org.test) as client:
        drafted = await draft(client, hints={"max_rows": 30})
        job = await run_to_end(client, drafted["job"]["id"], approve={"max_credits": 4})
        stream = await read_stream(client, f"/v1/jobs/{job['id']}/stream")
    assert job["status"] == "stopped"
    assert job["max_credits"] == 4
    assert job["credits_used"] <= 4
    assert "max_credits=4" in job["summary"]
    assert stream.types[-1] == "stopped"
    assert "credit ceiling" in stream.events[-1].data["reason"]
    logs = [e.data["message"] for e in stream.events if e.type == "log"]
    discovered = [line for line in logs if "candidate companies" in line]
    measured = [line for line in logs if line.startswith("Measure engineering headcount")]
    # Finding companies is free; the first five go through the later steps before the next
    # search round. Reading them costs 0.5 each (2.5 fits under 4); finding their people
    # would take the job past 4, so it stops before that batch, after one search round.
    assert len(discovered) == 1
    assert len(measured) == 1
    assert "Measure engineering headcount" not in stream.events[-1].data["reason"]


async def test_live_mode_without_a_backend_fails_clearly(
    stack: Stack, org: Keys, temporal: TemporalServer
) -> None:
    async with (
        in_process_worker(stack, temporal, search_provider=""),
        stack.client(org.live) as client,
    ):
        drafted = await draft(client, hints={"max_rows": 5})
        job = await run_to_end(client, drafted["job"]["id"])
        stream = await read_stream(client, f"/v1/jobs/{job['id']}/stream")
    assert job["status"] == "failed"
    assert job["error"]["code"] == "job_halted"
    assert "LEADEX_SEARCH_PROVIDER" in job["error"]["message"]
    assert job["credits_used"] == 0
    assert job["livemode"] is True
    assert stream.types[-1] == "error"
    assert any(e.type == "step" and e.data["status"] == "failed" for e in stream.events)


async def test_leads_are_paginated_and_filtered(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        drafted = await draft(client, hints={"max_rows": 24})
        job = await run_to_end(client, drafted["job"]["id"])
        path = f"/v1/jobs/{job['id']}/leads"
        everything = (await client.get(path, params={"limit": 100})).json()
        default = (await client.get(path)).json()
        page_one = (await client.get(path, params={"limit": 10})).json()
        page_two = (
            await client.get(path, params={"limit": 10, "cursor": page_one["next_cursor"]})
        ).json()
        confident = (await client.get(path, params={"min_confidence": 0.8, "limit": 100})).json()
        with_email = (
            await client.get(path, params=[("has_field", "person.email"), ("limit", "100")])
        ).json()
        with_both = (
            await client.get(
                path,
                params=[
                    ("has_field", "person.email"),
                    ("has_field", "fields.engineering_headcount"),
                    ("limit", "100"),
                ],
            )
        ).json()
        by_order = {
            order: await _leads_in(client, path, order, 7)
            for order in ("-confidence", "confidence", "created")
        }
        artifact = await client.get(f"/v1/artifacts/{job['artifact']['id']}", follow_redirects=True)
        csv_rows = _csv(artifact.content)
        bad_order = await client.get(path, params={"order": "name"})
        bad_field = await client.get(path, params={"has_field": "person.ssn"})
        bad_confidence = await client.get(path, params={"min_confidence": 2})
        summary = (await client.get(f"/v1/jobs/{job['id']}/summary")).json()
    assert everything["total"] == 24
    assert job["artifact"]["rows"] == _companies(everything["data"])
    assert len(default["data"]) == 24  # default limit 50
    assert [lead["id"] for lead in page_one["data"] + page_two["data"]] == [
        lead["id"] for lead in everything["data"][:20]
    ]
    assert all(lead["confidence"] >= 0.8 for lead in confident["data"])
    assert confident["total"] == sum(1 for lead in everything["data"] if lead["confidence"] >= 0.8)
    assert with_email["total"] == sum(
        1 for lead in everything["data"] if lead["person"] and lead["person"]["email"]
    )
    assert with_both["total"] == with_email["total"]
    assert_error(bad_field, 422, "invalid_request_error", param="has_field")
    assert_error(bad_confidence, 422, "invalid_request_error", param="min_confidence")
    for lead in everything["data"]:
        assert set(lead) == {
            "id",
            "object",
            "livemode",
            "job_id",
            "company",
            "person",
            "fields",
            "sources",
            "confidence",
        }
        grounded = {field for source in lead["sources"] for field in source["fields"]}
        for key in lead["fields"]:
            assert f"fields.{key}" in grounded, key
    assert summary["rows"] == 24 and summary["object"] == "job_summary"
    assert summary["companies"] == job["artifact"]["rows"]
    assert summary["companies_without_people"] == sum(
        1 for row in csv_rows[1] if row[csv_rows[0].index("contacts")] == "none"
    )
    # The default order is the CSV's ranking: companies in the CSV's row order.
    ranked_domains = list(dict.fromkeys(lead["company"]["domain"] for lead in everything["data"]))
    assert ranked_domains == [row[csv_rows[0].index("domain")] for row in csv_rows[1]]
    scores = [lead["confidence"] for lead in by_order["-confidence"]]
    assert len(scores) == 24 and scores == sorted(scores, reverse=True)
    assert [lead["confidence"] for lead in by_order["confidence"]] == sorted(scores)
    assert {lead["id"] for lead in by_order["created"]} == {
        lead["id"] for lead in everything["data"]
    }
    assert_error(bad_order, 422, "invalid_request_error", param="order")
    assert any("synthetic" in caveat for caveat in summary["caveats"])
    assert {entry["column"] for entry in summary["coverage"]} >= {"company_name", "vp_eng_name"}


async def test_artifact_formats_and_signed_links(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        drafted = await draft(client, hints={"max_rows": 10})
        job = await run_to_end(client, drafted["job"]["id"])
        art = job["artifact"]["id"]
        record = (
            await client.get(f"/v1/artifacts/{art}", headers={"Accept": "application/json"})
        ).json()
        csv_file = await client.get(record["download_url"])
        json_record = (
            await client.get(
                f"/v1/artifacts/{art}",
                params={"format": "json"},
                headers={"Accept": "application/json"},
            )
        ).json()
        json_file = await client.get(json_record["download_url"])
        xlsx_record = (
            await client.get(
                f"/v1/artifacts/{art}",
                params={"format": "xlsx"},
                headers={"Accept": "application/json"},
            )
        ).json()
        xlsx_file = await client.get(xlsx_record["download_url"])
        xlsx_again = (
            await client.get(
                f"/v1/artifacts/{art}",
                params={"format": "xlsx"},
                headers={"Accept": "application/json"},
            )
        ).json()
        tampered = await client.get(record["download_url"].replace("format=csv", "format=json"))
        forged = await client.get(record["download_url"][:-4] + "AAAA")
        redirect = await client.get(f"/v1/artifacts/{art}")
    other = await stack.new_org()
    async with stack.client(other.test) as client:
        foreign = await client.get(f"/v1/artifacts/{art}", headers={"Accept": "application/json"})

    assert set(record) >= {
        "id",
        "object",
        "job_id",
        "format",
        "rows",
        "bytes",
        "columns",
        "download_url",
        "expires_at",
        "created_at",
        "livemode",
    }
    assert record["object"] == "artifact" and record["format"] == "csv"
    assert_timestamp(record["expires_at"])
    assert csv_file.status_code == 200
    assert record["bytes"] == len(csv_file.content)
    header, rows = _csv(csv_file.content)
    assert header == record["columns"]
    leads = json.loads(json_file.content)["data"]
    assert len(rows) == record["rows"] == _companies(leads)
    assert len(leads) == 10 and json_record["bytes"] == len(json_file.content)
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_file.content))
    sheet = workbook.active
    assert sheet is not None
    values = [
        ["" if cell is None else str(cell) for cell in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    assert values[0] == header
    assert len(values) - 1 == len(rows)
    assert [row[header.index("company_name")] for row in values[1:]] == [
        row[header.index("company_name")] for row in rows
    ]
    assert sheet.freeze_panes == "A2"  # the header row stays in view
    links = [
        cell.hyperlink.target
        for row in sheet.iter_rows(min_row=2)
        for cell in row
        if cell.hyperlink is not None
    ]
    assert any(link.startswith("https://") for link in links)
    assert sheet.column_dimensions["A"].width > len("company_name")
    assert xlsx_again["bytes"] == xlsx_record["bytes"] == len(xlsx_file.content)
    assert_error(tampered, 403, "permission_error")
    assert_error(forged, 403, "permission_error")
    assert redirect.status_code == 302
    assert "/download?" in redirect.headers["location"]
    assert_error(foreign, 404, "not_found", param="artifact_id")


async def test_expired_download_links_are_refused(stack: Stack, org: Keys) -> None:
    from api.artifacts.service import signed_url
    from core.config import Settings

    async with stack.client(org.test) as client:
        drafted = await draft(client, hints={"max_rows": 3})
        job = await run_to_end(client, drafted["job"]["id"])
        settings = Settings(
            secret_key=stack.env["LEADEX_SECRET_KEY"], public_base_url=stack.base_url
        )
        fresh, _ = signed_url(settings, job["artifact"]["id"], "csv")
        stale, _ = signed_url(settings, job["artifact"]["id"], "csv", now=0)
        ok = await client.get(fresh)
        expired = await client.get(stale)
    assert ok.status_code == 200
    assert "expired" in str(assert_error(expired, 403, "permission_error")["message"])


async def _leads_in(
    client: httpx.AsyncClient, path: str, order: str, limit: int
) -> list[dict[str, Any]]:
    """Every lead, page by page, in ``order``."""
    found: list[dict[str, Any]] = []
    params: dict[str, Any] = {"order": order, "limit": limit}
    while True:
        page = (await client.get(path, params=params)).json()
        found += page["data"]
        if not page["has_more"]:
            return found
        params = {"order": order, "limit": limit, "cursor": page["next_cursor"]}


def _companies(leads: list[dict[str, Any]]) -> int:
    return len({lead["company"]["domain"] for lead in leads})


async def _all_leads(stack: Stack, org: Keys, job_id: str) -> list[dict[str, Any]]:
    async with stack.client(org.test) as client:
        page = await client.get(f"/v1/jobs/{job_id}/leads", params={"limit": 100})
    return list(page.json()["data"])


async def test_auto_approve_starts_the_job(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        drafted = await draft(client, hints={"max_rows": 4}, auto_approve=True)
        assert drafted["job"]["status"] == "running"
        job = await wait_for_status(client, drafted["job"]["id"], ("succeeded",))
    leads = await _all_leads(stack, org, job["id"])
    assert len(leads) == 4 and job["artifact"]["rows"] == _companies(leads)


async def test_search_sync_async_and_files(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        sync = await client.post("/v1/search", json={"prompt": QUICKSTART, "max_rows": 8})
        later = await client.post(
            "/v1/search",
            json={"prompt": "CTOs of Berlin SaaS companies", "max_rows": 5, "wait": "async"},
        )
        as_csv = await client.post(
            "/v1/search",
            json={"prompt": "CTOs of Berlin SaaS companies", "max_rows": 5, "format": "csv"},
        )
        rejected = await client.post("/v1/search", json={"prompt": "find me some leads"})
        too_many = await client.post("/v1/search", json={"prompt": QUICKSTART, "max_rows": 2001})
        threads = (await client.get("/v1/threads", params={"limit": 100})).json()
        finished_later = await wait_for_status(client, later.json()["job_id"], ("succeeded",))
    assert sync.status_code == 200, sync.text
    body = sync.json()
    assert body["status"] == "succeeded" and len(body["leads"]) == 8
    assert body["artifact"]["rows"] == _companies(body["leads"])
    assert body["artifact"]["download_url"].startswith("http")
    assert body["job"]["id"] == body["job_id"] == body["id"]
    assert later.status_code == 202 and later.json()["status"] == "running"
    assert finished_later["artifact"]["rows"] <= 5  # companies of its 5 leads
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    header, rows = _csv(as_csv.content)
    assert "cto_name" in header and 0 < len(rows) <= 5
    assert_error(rejected, 422, "plan_rejected")
    assert_error(too_many, 422, "invalid_request_error", param="max_rows")
    # Three searches made three threads; the rejected one left none behind.
    assert threads["total"] == 3


async def test_force_delete_terminates_the_running_workflow(
    stack: Stack, org: Keys, temporal: TemporalServer
) -> None:
    async with stack.client(org.test) as client:
        drafted = await draft(client, hints={"max_rows": 2000})
        job_id, thread_id = drafted["job"]["id"], drafted["plan"]["thread_id"]
        await client.post(f"/v1/jobs/{job_id}/approve")
        blocked = await client.delete(f"/v1/threads/{thread_id}")
        forced = await client.delete(f"/v1/threads/{thread_id}", params={"force": "true"})
        gone = await client.get(f"/v1/jobs/{job_id}")
    temporal_client = await Client.connect(temporal.address, namespace=f"leadex-{stack.backend}")
    supervisor = await temporal_client.get_workflow_handle(names.supervisor_id(job_id)).describe()
    assert_error(blocked, 409, "conflict")
    assert forced.status_code == 200
    assert_error(gone, 404, "not_found")
    assert supervisor.status == WorkflowExecutionStatus.TERMINATED
    # The run itself, when the supervisor had started it.
    run = await _describe_if_started(temporal_client, job_id)
    assert run is None or run.status == WorkflowExecutionStatus.TERMINATED, run


async def _describe_if_started(
    client: Client, workflow_id: str
) -> WorkflowExecutionDescription | None:
    try:
        return await client.get_workflow_handle(workflow_id).describe()
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            return None
        raise


@pytest.mark.parametrize("content", [QUICKSTART])
async def test_job_runs_show_in_temporal_with_search_attributes(
    stack: Stack, org: Keys, temporal: TemporalServer, content: str
) -> None:
    async with stack.client(org.test) as client:
        drafted = await draft(client, content, hints={"max_rows": 4})
        job = await run_to_end(client, drafted["job"]["id"])
    temporal_client = await Client.connect(temporal.address, namespace=f"leadex-{stack.backend}")
    query = f"LeadexOrgId = '{org.org_id}' AND LeadexJobStatus = 'succeeded'"
    found = []
    for _ in range(50):  # visibility is eventually consistent
        found = [execution async for execution in temporal_client.list_workflows(query)]
        if found:
            break
        await asyncio.sleep(0.2)
    assert [execution.id for execution in found] == [job["id"]]
    assert found[0].workflow_type == "leadex.job"


async def test_streams_cut_halfway_leave_the_api_usable(stack: Stack, org: Keys) -> None:
    """Clients that drop a stream at any byte never leave the database locked behind them."""
    async with stack.client(org.test) as client:
        drafted = await draft(client, hints={"max_rows": 60})
        job = await run_to_end(client, drafted["job"]["id"])
        assert job["status"] == "succeeded"
        for cut in range(300, 12_000, 400):
            async with client.stream("GET", f"/v1/jobs/{job['id']}/stream") as response:
                read = 0
                async for chunk in response.aiter_bytes():
                    read += len(chunk)
                    if read >= cut:
                        break
        # Reads and writes still go through at once, on every backend.
        thread = await client.post("/v1/threads", json={"title": "after the cuts"})
        leads = await client.get(f"/v1/jobs/{job['id']}/leads", params={"limit": 5})
        whole = await read_stream(client, f"/v1/jobs/{job['id']}/stream")
    assert thread.status_code == 200, thread.text
    assert leads.status_code == 200, leads.text
    assert whole.types[-1] == "done"
