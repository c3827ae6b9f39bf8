"""A large job's batches stay small, its waves gather several of them, its publishes stay few,
and it delivers the leads the in-memory pipeline finds for the same plan and seed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio import activity
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from activities.jobs import JobActivities
from cli.localstack import TemporalServer
from core.clock import utcnow
from research.batching import BATCH_COMPANIES, MAX_WAVES, wave_size_for
from research.engine import companies_needed
from research.pipeline import run_plan
from research.planner.types import DraftPlan
from research.synthetic import SyntheticEngine
from store.db import Database
from store.models import Plan
from tests.support.flows import draft, run_to_end
from tests.support.stack import Keys, Stack
from tests.support.workers import in_process_worker
from workflows import names
from workflows.job_types import BatchRequest, BatchResult, PublishRequest

ROWS = 250  # one role: 250 companies, so a wave gathers 7 of them, two discovery batches


def _recording(seen: list[BatchRequest]) -> Callable[[JobActivities], Any]:
    def wrap(real: JobActivities) -> Any:
        @activity.defn(name=names.JOB_RUN_BATCH_ACTIVITY)
        async def run_batch(request: BatchRequest) -> BatchResult:
            seen.append(request)
            return await real.run_batch(request)

        return run_batch

    return wrap


async def _stored_plan(stack: Stack, plan_id: str) -> DraftPlan:
    database = Database(stack.database_url)
    try:
        async with database.transaction() as session:
            plan = await session.get(Plan, plan_id)
            assert plan is not None
            return DraftPlan.model_validate(plan.model_dump())
    finally:
        await database.dispose()


async def _publishes(temporal: TemporalServer, namespace: str, job_id: str) -> list[PublishRequest]:
    """The job's publishes, across every run it continued as new into, in order."""
    client = await Client.connect(temporal.address, namespace=namespace)
    requests: list[PublishRequest] = []
    run_id: str | None = None
    while True:
        history = await client.get_workflow_handle(job_id, run_id=run_id).fetch_history()
        run = []
        for event in history.events:
            if not event.HasField("activity_task_scheduled_event_attributes"):
                continue
            attributes = event.activity_task_scheduled_event_attributes
            if attributes.activity_type.name == names.JOB_PUBLISH_ACTIVITY:
                [payload] = attributes.input.payloads
                converter = pydantic_data_converter.payload_converter
                run.append(converter.from_payload(payload, PublishRequest))
        requests = run + requests
        started = history.events[0].workflow_execution_started_event_attributes
        if not started.continued_execution_run_id:
            return requests
        run_id = started.continued_execution_run_id


def _identity(company: dict[str, Any], person: dict[str, Any] | None) -> tuple[Any, ...]:
    """Who a lead is: its person, or its company when it has none (a merged company may show
    another of its domains, depending on when its duplicates were found)."""
    if person:
        return (person.get("full_name"), person.get("title"), person.get("email"))
    return (company.get("domain"),)


async def test_a_large_job_runs_bounded_batches_in_few_waves_and_matches_the_pipeline(
    stack: Stack, org: Keys, temporal: TemporalServer
) -> None:
    seen: list[BatchRequest] = []
    async with (
        in_process_worker(stack, temporal, run_batch=_recording(seen)),
        stack.client(org.test) as client,
    ):
        drafted = await draft(client, "CTOs of Berlin SaaS companies", hints={"max_rows": ROWS})
        job = await run_to_end(client, drafted["job"]["id"])
        delivered: list[dict[str, Any]] = []
        params: dict[str, Any] = {"limit": 100}
        while True:
            page = (await client.get(f"/v1/jobs/{job['id']}/leads", params=params)).json()
            delivered += page["data"]
            if not page["has_more"]:
                break
            params = {"limit": 100, "cursor": page["next_cursor"]}
    assert job["status"] == "succeeded"
    plan = await _stored_plan(stack, drafted["plan"]["id"])
    companies = companies_needed(plan.criteria, plan.target_rows)
    wave = wave_size_for(companies)
    assert wave > BATCH_COMPANIES

    # Every batch reads (or finds) at most a fixed number of companies.
    assert {request.batch_size for request in seen} == {BATCH_COMPANIES}
    assert max(len(request.keys or ()) for request in seen) == BATCH_COMPANIES
    discovery = plan.steps[0].id
    # A wave gathers several discovery batches before the later steps read it.
    head = [request.step_id for request in seen[:3]]
    assert head == [discovery, discovery, plan.steps[1].id]
    # Each later step reads every company once, in batches.
    for step in plan.steps[1:]:
        read = [key for r in seen if r.step_id == step.id for key in r.keys or ()]
        if read:
            assert len(read) == len(set(read)) == companies

    publishes = await _publishes(temporal, f"leadex-{stack.backend}", job["id"])
    assert sum(not p.final for p in publishes) == -(-companies // (2 * BATCH_COMPANIES))
    assert len(publishes) <= MAX_WAVES + 1
    assert publishes[-1].final

    leads, _ = await run_plan(SyntheticEngine(), plan, seed=plan_id(drafted), now=utcnow())
    assert len(delivered) == len(leads) == ROWS
    assert sorted(_identity(lead["company"], lead["person"]) for lead in delivered) == sorted(
        _identity(lead.company.model_dump(), lead.person.model_dump() if lead.person else None)
        for lead in leads
    )


def plan_id(drafted: dict[str, Any]) -> str:
    """The plan's id: the seed test mode draws its synthetic data from."""
    return str(drafted["plan"]["id"])
