"""Job activities: thin adapters between the job workflow, the research engine and the store."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import timedelta

from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity
from temporalio.client import WorkflowExecutionStatus
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from core.clock import as_utc, utcnow
from core.ids import Prefix, derived_id
from research import progress
from research.batching import BATCH_COMPANIES, batch_ends_step, wave_size_for
from research.engine import (
    EngineUnavailable,
    ResearchEngine,
    StepBatch,
    StepRequest,
    StepScope,
    companies_needed,
    step_roles,
    step_scope,
)
from research.metering import email_cost, unit_costs
from research.model import Candidate, CandidateStatus
from research.planner.types import Criteria, Intent, PlanStep
from research.pricing import delivered_credits
from research.privacy import without_suppressed
from research.resolve import MAX_ARTIFACT_ROWS, assemble_leads, match_delivered
from store import lifecycle
from store.blobs import BlobStore
from store.db import Database
from store.exports import TableLead, artifact_columns, company_table, render_csv, render_json
from store.models import Artifact, Job, Lead, Plan, Thread
from store.objects import LeadObject, dump
from store.repositories import artifacts, events, jobs, leads, ledger, messages, schedules
from store.repositories.privacy import suppressed_hashes
from workflows import names
from workflows.job_types import (
    ArtifactSummary,
    BatchProgress,
    BatchRequest,
    BatchResult,
    DeliverRequest,
    DeliverResult,
    FinalizeRequest,
    InterruptedRequest,
    JobError,
    JobOutcome,
    JobPlan,
    PublishRequest,
    PublishResult,
    ReconcileRequest,
    ReconcileResult,
    ResolveRequest,
    ResolveResult,
    StartRequest,
    StepInfo,
)

log = logging.getLogger("leadex.jobs")
HEARTBEAT_EVERY = 0.5
DELIVERY_BATCH = 25
MAX_DELIVERY_BATCHES = 100

EngineFactory = Callable[[bool], ResearchEngine | None]


def _job_gone(job_id: str) -> ApplicationError:
    return ApplicationError(
        f"Job {job_id} no longer exists", type="JobNotFound", non_retryable=True
    )


@contextlib.asynccontextmanager
async def _heartbeating(details: BatchProgress | None = None) -> AsyncIterator[None]:
    """Heartbeat in the background so a stop reaches the activity within about a second; each
    beat carries ``details`` as they stand (the last beat's are what a retry resumes from)."""

    async def beat() -> None:
        while True:
            _beat(details)
            await asyncio.sleep(HEARTBEAT_EVERY)

    task = asyncio.create_task(beat())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _beat(details: BatchProgress | None) -> None:
    if details is None:
        activity.heartbeat()
    else:
        activity.heartbeat(details)


def _resumed() -> BatchProgress:
    """What an earlier attempt of this batch recorded in its heartbeats (nothing at first)."""
    details = activity.info().heartbeat_details
    return BatchProgress.model_validate(details[0]) if details else BatchProgress()


def _delivered_cost(plan: Plan, rows: list[Lead]) -> int:
    """The table's price of the delivered rows: a job pays for leads, not for candidates it
    read and rejected (the metered work only bounds the job against its ceiling)."""
    _, criteria = _plan_parts(plan)
    people: dict[str, int] = {}
    emails = 0
    for row in rows:
        company = row.company or {}
        key = str(company.get("domain") or company.get("name") or row.entity_key)
        people[key] = people.get(key, 0) + (1 if row.person else 0)
        emails += 1 if row.person and row.person.get("email") else 0
    return delivered_credits(criteria, people, emails)


def _plan_parts(plan: Plan) -> tuple[list[PlanStep], Criteria]:
    return [PlanStep.model_validate(step) for step in plan.steps], Criteria.model_validate(
        plan.criteria
    )


def _publisher_index(steps: list[PlanStep]) -> int | None:
    indexes = [i for i, step in enumerate(steps) if step.intent == Intent.DEDUPE]
    return indexes[-1] if indexes else None


class JobActivities:
    """The job's side effects. ``engines(livemode)`` gives the engine for a mode, or None."""

    def __init__(
        self,
        database: Database,
        blobs: BlobStore,
        engines: EngineFactory,
        *,
        synthetic_delay: float = 0.0,
        retention_days: int = 90,
    ) -> None:
        self.database = database
        self.blobs = blobs
        self.engines = engines
        self.synthetic_delay = synthetic_delay
        self.retention_days = retention_days

    async def _load(self, job_id: str) -> tuple[Job, Plan]:
        async with self.database.transaction() as session:
            job = await jobs.get_by_id(session, job_id)
            plan = await session.get(Plan, job.plan_id) if job else None
        if job is None or plan is None:
            raise _job_gone(job_id)
        return job, plan

    @activity.defn(name=names.JOB_START_ACTIVITY)
    async def start(self, ref: StartRequest) -> JobPlan:
        """Mark the job running and hand the workflow its steps, costs, batch and wave sizes."""
        async with self.database.transaction() as session:
            job = await jobs.get_by_id(session, ref.job_id, for_update=True)
            plan = await session.get(Plan, job.plan_id) if job else None
            if job is None or plan is None:
                raise _job_gone(ref.job_id)
            if not await lifecycle.start(session, job):
                return JobPlan(runnable=False, reason=f"the job was already {job.status}")
        steps, criteria = _plan_parts(plan)
        costs = unit_costs(steps, criteria)
        publisher = _publisher_index(steps)
        per_email = email_cost(criteria)
        return JobPlan(
            runnable=True,
            steps=[
                StepInfo(
                    id=step.id,
                    title=step.title,
                    intent=step.intent.value,
                    unit_cost=costs[index],
                    email_cost=per_email * len(step_roles(step, criteria)),
                    publishes=index == publisher,
                )
                for index, step in enumerate(steps)
            ],
            batch_size=BATCH_COMPANIES,
            wave_size=wave_size_for(companies_needed(criteria, plan.target_rows)),
            max_credits=ref.max_credits,
            livemode=job.livemode,
        )

    @activity.defn(name=names.JOB_RUN_BATCH_ACTIVITY)
    async def run_batch(self, request: BatchRequest) -> BatchResult:
        """Run one batch of one step and write its records idempotently."""
        job, plan = await self._load(request.job_id)
        if job.status != "running":
            raise ApplicationError(
                f"Job {job.id} is {job.status}", type="JobNotFound", non_retryable=True
            )
        steps, criteria = _plan_parts(plan)
        step = steps[request.step_index]
        engine = self.engines(job.livemode)
        if engine is None:
            raise ApplicationError(
                "Live research needs a search backend, and none is configured. Set "
                "LEADEX_SEARCH_PROVIDER=searxng with LEADEX_SEARXNG_URL (or brave with "
                "LEADEX_BRAVE_API_KEY), or run `leadex-server dev --sandbox`; test-mode keys "
                "(sk_test_) work without one.",
                type="EngineUnavailable",
                non_retryable=True,
            )
        scope = step_scope(step, request.step_index)
        candidates = []
        known: list[str] = []
        in_scope = 0
        offset = request.batch_no * request.batch_size
        if scope is StepScope.NONE:
            async with self.database.transaction() as session:
                known = await leads.working_keys(session, job.id)
        elif request.keys is not None:
            # A wave: the companies the workflow names, wherever they sort.
            offset = request.read_before
            async with self.database.transaction() as session:
                in_scope = await leads.count_working(session, job.id, companies_only=True)
                candidates = await leads.working_by_keys(session, job.id, request.keys)
        else:
            companies_only = scope is StepScope.COMPANIES
            async with self.database.transaction() as session:
                in_scope = await leads.count_working(session, job.id, companies_only=companies_only)
                candidates = await leads.working_page(
                    session,
                    job.id,
                    companies_only=companies_only,
                    offset=offset,
                    limit=request.batch_size,
                )
        step_request = StepRequest(
            job_id=job.id,
            step=step,
            step_index=request.step_index,
            criteria=criteria,
            target_rows=plan.target_rows,
            batch_no=request.batch_no,
            batch_size=request.batch_size,
            seed=plan.id,
            now=request.now,
            candidates=candidates,
            known=known,
            after_render=request.after_render,
        )
        done_so_far = _resumed()
        async with _heartbeating(done_so_far):
            try:
                if request.keys == []:
                    # A wave run's closing call: nothing left to read, the step ends.
                    batch = StepBatch(upserts=[], done=True)
                elif scope is StepScope.NONE:
                    batch = await engine.run_step(step_request, lambda: _beat(done_so_far))
                else:
                    batch = await self._company_by_company(engine, job, step_request, done_so_far)
            except EngineUnavailable as error:
                raise ApplicationError(
                    str(error), type="EngineUnavailable", non_retryable=True
                ) from error
            if not job.livemode and self.synthetic_delay:
                await asyncio.sleep(self.synthetic_delay)
        if batch.renders and not request.after_render:
            # The workflow renders these and runs this batch again; that run is the one
            # that counts, so this one records nothing but what it found so far.
            await self._write(job, batch.upserts)
            return BatchResult(
                step_id=step.id,
                batch_no=request.batch_no,
                done=False,
                logs=[f"{step.title}: {progress.rendering(len(batch.renders))}"],
                renders=batch.renders,
            )
        batch.done = batch_ends_step(
            keys=request.keys,
            last=request.last,
            creates=scope is StepScope.NONE,
            engine_done=batch.done,
            offset=offset,
            size=request.batch_size,
            companies=in_scope,
        )

        unit = unit_costs(steps, criteria)[request.step_index]
        credits = batch.units * unit + batch.emails * email_cost(criteria)
        async with self.database.transaction() as session:
            locked = await jobs.get_by_id(session, job.id, for_update=True)
            if locked is None:
                raise _job_gone(job.id)
            await leads.upsert_candidates(session, locked, batch.upserts)
            new_keys: list[str] = []
            found_upto = 0
            if request.found_after is not None:
                # Everything found since the wave's last look, a failed attempt's finds too.
                new_keys, found_upto = await leads.found_since(session, job.id, request.found_after)
            if request.batch_no == 0:
                await lifecycle.step_event(
                    session, locked, step_id=step.id, title=step.title, status="started"
                )
            if batch.done:
                await lifecycle.step_event(
                    session, locked, step_id=step.id, title=step.title, status="completed"
                )
            await lifecycle.progress(
                session,
                locked,
                step=request.step_index + (1 if batch.done else 0),
                credits_metered=request.credits_metered + credits,
            )
            line = await _progress_line(
                session,
                job.id,
                step,
                criteria,
                scope=scope,
                request_no=request.batch_no,
                done=min(offset + _batch_reads(request), in_scope),
                total=in_scope,
                wanted=companies_needed(criteria, plan.target_rows),
                more_coming=request.keys is not None and not request.last,
            )
        for detail in batch.logs:
            log.info("job %s, %s: %s", job.id, step.title, detail)
        skipped = dict(batch.skipped)
        logs = [line]
        if request.render_skipped:
            skipped[progress.SKIPPED_RENDERS] = request.render_skipped
            logs.append(
                progress.render_skipped(step.title, request.render_skipped, request.render_failure)
            )
        # What the batch went without, and why, under the step it happened in.
        logs += [
            f"{step.title}: {detail}"
            for detail in batch.logs
            if detail.startswith(progress.SAYS_WHY)
        ]
        return BatchResult(
            step_id=step.id,
            batch_no=request.batch_no,
            done=batch.done,
            records=len(batch.upserts) + done_so_far.records,
            credits=round(credits, 6),
            logs=logs,
            skipped=skipped,
            new_keys=new_keys,
            found_upto=found_upto,
        )

    async def _company_by_company(
        self, engine: ResearchEngine, job: Job, request: StepRequest, done_so_far: BatchProgress
    ) -> StepBatch:
        """Run a step that reads companies as one engine call per company (side by side),
        writing each company's records as soon as they are ready and noting it in the heartbeat
        details, so a retried batch resumes with the companies not yet written. The records are
        written here: the batch returned carries only the totals of every attempt."""
        pending = [c for c in request.candidates if c.key not in done_so_far.done]
        runs = [
            asyncio.ensure_future(
                engine.run_step(
                    request.model_copy(update={"candidates": [candidate]}),
                    lambda: _beat(done_so_far),
                )
            )
            for candidate in pending
        ]
        logs = list(done_so_far.notes)
        renders: list[str] = []
        try:
            for candidate, run in zip(pending, runs, strict=True):
                one = await run
                await self._write(job, one.upserts)
                logs += one.logs
                if one.renders and not request.after_render:
                    renders += one.renders  # the batch runs again once they are rendered
                    continue
                _add_up(done_so_far, candidate.key, one)
                _beat(done_so_far)
        finally:
            for run in runs:
                run.cancel()
            await asyncio.gather(*runs, return_exceptions=True)
        return StepBatch(
            upserts=[],
            done=False,
            units=done_so_far.units,
            emails=done_so_far.emails,
            logs=logs,
            renders=list(dict.fromkeys(renders)),
            skipped=dict(done_so_far.skipped),
        )

    async def _write(self, job: Job, records: Sequence[Candidate]) -> None:
        """Upsert working records under the job's lock."""
        if not records:
            return
        async with self.database.transaction() as session:
            locked = await jobs.get_by_id(session, job.id, for_update=True)
            if locked is None:
                raise _job_gone(job.id)
            await leads.upsert_candidates(session, locked, records)

    async def _assembled(
        self, job: Job, plan: Plan, rows: int, verified_only: bool
    ) -> tuple[list[Candidate], list[Candidate]]:
        """The job's working records, and its best ``rows`` leads as they resolve now (only
        verified ones when ``verified_only``)."""
        _, criteria = _plan_parts(plan)
        async with self.database.transaction() as session:
            working = await leads.all_working(session, job.id)
            delivered_before = await schedules.previously_delivered_keys(session, job.id)
            suppressed = await suppressed_hashes(session, job.org_id, job.livemode)
        activity.heartbeat()
        final = assemble_leads(
            working,
            columns=artifact_columns(plan.steps),
            roles=[role.column_prefix for role in criteria.roles],
            target_rows=rows,
            verified_only=verified_only,
        )
        # A schedule with exclude_previous: what its earlier runs delivered is not delivered again.
        final = [c for c in final if f"{leads.LEAD_KEY_PREFIX}{c.key}" not in delivered_before]
        # The organization's suppression list: no suppressed person is ever delivered.
        return working, without_suppressed(final, suppressed)

    @activity.defn(name=names.JOB_RESOLVE_ACTIVITY)
    async def resolve(self, request: ResolveRequest) -> ResolveResult:
        """Merge duplicates and lay the job's leads out in delivery order."""
        job, plan = await self._load(request.job_id)
        working, final = await self._assembled(job, plan, plan.target_rows, request.verified_only)
        batch_size = max(request.batch_size, math.ceil(len(final) / MAX_DELIVERY_BATCHES))
        batches = math.ceil(len(final) / batch_size) if final else 0
        async with self.database.transaction() as session:
            locked = await jobs.get_by_id(session, job.id, for_update=True)
            if locked is None:
                raise _job_gone(job.id)
            await leads.write_resolved(session, locked, final)
            if request.step_id and request.title:
                await lifecycle.step_event(
                    session, locked, step_id=request.step_id, title=request.title, status="started"
                )
                if batches == 0:
                    await lifecycle.step_event(
                        session,
                        locked,
                        step_id=request.step_id,
                        title=request.title,
                        status="completed",
                    )
        merged = sum(1 for c in working if c.status.value != "rejected") - len(final)
        return ResolveResult(
            leads=len(final),
            merged=max(0, merged),
            batches=batches,
            batch_size=batch_size,
            logs=[
                f"Merged {progress.count(len(working), 'record')} into "
                f"{progress.count(len(final), 'lead')} at "
                f"{progress.count(len({lead.company_key for lead in final}), 'company')}."
            ],
        )

    @activity.defn(name=names.JOB_DELIVER_ACTIVITY)
    async def deliver(self, request: DeliverRequest) -> DeliverResult:
        """Make one batch of leads queryable and announce it."""
        async with self.database.transaction() as session:
            job = await jobs.get_by_id(session, request.job_id, for_update=True)
            if job is None:
                raise _job_gone(request.job_id)
            lead_ids = await leads.publish_positions(session, job.id, request.start, request.stop)
            await events.record_once(
                session,
                lifecycle.tenant_of(job),
                "leads.delivered",
                {"object": "lead_batch", "id": None, "job_id": job.id, "lead_ids": lead_ids},
                dedupe_key=f"{job.id}:delivered:{request.batch_no}",
            )
            if request.last and request.step_id and request.title:
                await lifecycle.step_event(
                    session,
                    job,
                    step_id=request.step_id,
                    title=request.title,
                    status="completed",
                )
        return DeliverResult(lead_ids=lead_ids, last=request.last, step_id=request.step_id)

    @activity.defn(name=names.JOB_PUBLISH_ACTIVITY)
    async def publish(self, request: PublishRequest) -> PublishResult:
        """Resolve everything collected so far and deliver what was not delivered yet.

        Runs after each wave and once at the end: a lead keeps the id it was delivered under,
        and one found again (a late duplicate) updates it. All in one transaction, so a retry
        delivers nothing twice."""
        job, plan = await self._load(request.job_id)
        _, ranked = await self._assembled(job, plan, MAX_ARTIFACT_ROWS, request.verified_only)
        async with self.database.transaction() as session:
            locked = await jobs.get_by_id(session, job.id, for_update=True)
            if locked is None:
                raise _job_gone(job.id)
            new_ids, updated = await leads.deliver_wave(
                session,
                locked,
                ranked,
                match_delivered,
                cap=min(plan.target_rows, MAX_ARTIFACT_ROWS),
            )
            tenant = lifecycle.tenant_of(locked)
            for number, start in enumerate(range(0, len(new_ids), request.batch_size)):
                await events.record_once(
                    session,
                    tenant,
                    "leads.delivered",
                    {
                        "object": "lead_batch",
                        "id": None,
                        "job_id": job.id,
                        "lead_ids": new_ids[start : start + request.batch_size],
                    },
                    dedupe_key=f"{job.id}:delivered:{request.wave_no}:{number}",
                )
            delivered = await leads.count_published(session, job.id)
            if request.step_id and request.title:
                statuses = ["started"] if request.wave_no == 0 else []
                statuses += ["completed"] if request.final else []
                for status in statuses:
                    await lifecycle.step_event(
                        session, locked, step_id=request.step_id, title=request.title, status=status
                    )
        return PublishResult(
            lead_ids=new_ids,
            updated=updated,
            final=request.final,
            logs=[progress.delivery(len(new_ids), delivered, updated, final=request.final)]
            if new_ids or updated or request.final
            else [],
        )

    async def _write_artifact(
        self, job: Job, plan: Plan, partial: bool
    ) -> tuple[Artifact, list[Lead]]:
        async with self.database.transaction() as session:
            rows = await leads.all_published(session, job.id)
            working = await leads.all_working(session, job.id)
        _, criteria = _plan_parts(plan)
        public = [dump(LeadObject.from_row(row)) for row in rows]
        verified_on = {
            record.company_key: record.evidence for record in working if record.person is None
        }
        columns, table = company_table(
            [
                TableLead(lead, row.role, verified_on.get(_company_key_of(row), ()))
                for lead, row in zip(public, rows, strict=True)
            ],
            artifact_columns(plan.steps),
            [role.column_prefix for role in criteria.roles],
        )
        artifact_id = derived_id(Prefix.ARTIFACT, as_utc(job.created_at), job.id, "artifact")
        base = f"{job.org_id}/{artifact_id}"
        csv_bytes = render_csv(columns, table)
        json_bytes = render_json(public)
        await self.blobs.put(f"{base}/leads.csv", csv_bytes, "text/csv")
        await self.blobs.put(f"{base}/leads.json", json_bytes, "application/json")
        await self.blobs.put(
            f"{base}/table.json",
            json.dumps({"columns": columns, "rows": table}, default=str).encode(),
            "application/json",
        )
        artifact = Artifact(
            id=artifact_id,
            org_id=job.org_id,
            livemode=job.livemode,
            job_id=job.id,
            rows=len(table),
            bytes=len(csv_bytes),
            columns=columns,
            partial=partial,
            csv_key=f"{base}/leads.csv",
            json_key=f"{base}/leads.json",
            json_bytes=len(json_bytes),
            purge_after=utcnow() + timedelta(days=self.retention_days),
        )
        return artifact, rows

    @activity.defn(name=names.JOB_FINALIZE_ACTIVITY)
    async def finalize(self, request: FinalizeRequest) -> JobOutcome:
        """Write the artifact and the job's final state, once."""
        job, plan = await self._load(request.job_id)
        if job.status in lifecycle.TERMINAL:
            return _outcome_of(job, await self._artifact_summary(job))
        artifact, delivered = await self._write_artifact(
            job, plan, partial=request.status != "succeeded"
        )
        metered = math.ceil(request.credits_metered - 1e-9)
        charged = job.livemode and request.status != "failed"
        credits_used = min(metered, _delivered_cost(plan, delivered)) if charged else 0
        summary = _summary(request, artifact.rows, len(plan.steps), plan.title, job.livemode)
        async with self.database.transaction() as session:
            locked = await jobs.get_by_id(session, job.id, for_update=True)
            if locked is None:
                raise _job_gone(job.id)
            if locked.status in lifecycle.TERMINAL:
                return _outcome_of(locked, _summary_of(await artifacts.for_job(session, job.id)))
            existing = await artifacts.for_job(session, job.id)
            if existing is None:
                session.add(artifact)
                await session.flush()
            else:
                artifact = existing
            await lifecycle.finish(
                session,
                locked,
                status=request.status,
                summary=summary,
                error=request.error.model_dump() if request.error else None,
                credits_used=credits_used,
                artifact=artifact,
                stop_reason=request.stop_reason,
            )
            if locked.livemode:
                await ledger.settle_job(
                    session,
                    locked,
                    status=request.status,
                    metered=metered,
                )
            await events.record_once(
                session,
                lifecycle.tenant_of(locked),
                "artifact.created",
                {"object": "artifact", "id": artifact.id, "job_id": job.id, "rows": artifact.rows},
                dedupe_key=f"{job.id}:artifact",
            )
            thread = await session.get(Thread, job.thread_id)
            if thread is not None:
                await messages.append(
                    session,
                    thread,
                    role="assistant",
                    kind="result",
                    content=summary,
                    plan_id=job.plan_id,
                    job_id=job.id,
                )
            return _outcome_of(locked, _summary_of(artifact))

    @activity.defn(name=names.JOB_INTERRUPTED_ACTIVITY)
    async def conclude_interrupted(self, request: InterruptedRequest) -> JobOutcome:
        """Deliver what a job whose run was terminated had collected, and fail it."""
        job, _ = await self._load(request.job_id)
        if job.status in lifecycle.TERMINAL:
            return _outcome_of(job, await self._artifact_summary(job))
        resolved = await self.resolve(ResolveRequest(job_id=job.id, batch_size=DELIVERY_BATCH))
        for delivery in resolved.deliveries(job.id):
            await self.deliver(delivery)
        return await self.finalize(
            FinalizeRequest(
                job_id=job.id,
                status="failed",
                error=JobError(message=request.message),
                credits_metered=job.credits_metered,
                completed_steps=job.progress_step,
            )
        )

    @activity.defn(name=names.RECONCILE_ACTIVITY)
    async def reconcile(self, request: ReconcileRequest) -> ReconcileResult:
        """Fail jobs marked running whose workflow is gone."""
        client = activity.client()
        cutoff = utcnow() - timedelta(seconds=request.stale_after_seconds)
        async with self.database.transaction() as session:
            stale = await jobs.running_not_updated_since(session, cutoff)
        repaired: list[str] = []
        for job in stale:
            activity.heartbeat()
            try:
                description = await client.get_workflow_handle(job.id).describe()
                state = description.status
            except RPCError as error:
                if error.status != RPCStatusCode.NOT_FOUND:
                    raise
                state = None
            if state in (WorkflowExecutionStatus.RUNNING, WorkflowExecutionStatus.CONTINUED_AS_NEW):
                continue
            ended = state.name.lower().replace("_", " ") if state else "was never found"
            async with self.database.transaction() as session:
                locked = await jobs.get_by_id(session, job.id, for_update=True)
                if locked is None or locked.status != "running":
                    continue
                await lifecycle.finish(
                    session,
                    locked,
                    status="failed",
                    summary=f"Failed: the job's run {ended} before it could finish.",
                    error={
                        "code": "job_halted",
                        "message": f"The job's workflow {ended}; no credits were charged.",
                    },
                    credits_used=0,
                    artifact=await artifacts.for_job(session, job.id),
                )
                if locked.livemode:
                    await ledger.settle_job(session, locked, status="failed", metered=0)
            repaired.append(job.id)
        return ReconcileResult(checked=len(stale), repaired=repaired)

    async def _artifact_summary(self, job: Job) -> ArtifactSummary | None:
        async with self.database.transaction() as session:
            return _summary_of(await artifacts.for_job(session, job.id))


def _summary_of(artifact: Artifact | None) -> ArtifactSummary | None:
    if artifact is None:
        return None
    return ArtifactSummary(artifact_id=artifact.id, rows=artifact.rows, bytes=artifact.bytes)


def _outcome_of(job: Job, artifact: ArtifactSummary | None) -> JobOutcome:
    return JobOutcome(
        job_id=job.id,
        status=job.status,
        summary=job.summary or "",
        error=JobError.model_validate(job.error) if job.error else None,
        stop_reason=job.stop_reason,
        artifact=artifact,
        credits_used=job.credits_used,
    )


async def _progress_line(
    session: AsyncSession,
    job_id: str,
    step: PlanStep,
    criteria: Criteria,
    *,
    scope: StepScope,
    request_no: int,
    done: int,
    total: int,
    wanted: int,
    more_coming: bool = False,
) -> str:
    """The step's progress for people: running totals and what remains."""
    working = [state.value for state in CandidateStatus if state is not CandidateStatus.REJECTED]
    if scope is StepScope.NONE:
        found = await leads.count_records(session, job_id, kind="company", states=working)
        return progress.discovery(request_no + 1, found, wanted)
    roles = [role.column_prefix for role in step_roles(step, criteria)]
    outcome = None
    if roles:
        people = await leads.count_records(
            session, job_id, kind="person", states=working, roles=roles
        )
        outcome = progress.people_found(people)
    elif step.intent == Intent.VERIFY:
        verified = [CandidateStatus.VERIFIED.value]
        outcome = progress.matching(
            await leads.count_records(session, job_id, kind="company", states=verified)
        )
    return progress.paging(
        step.title, done=done, total=total, noun="company", outcome=outcome, more_coming=more_coming
    )


def _add_up(done_so_far: BatchProgress, key: str, batch: StepBatch) -> None:
    """Count a company's records as written."""
    done_so_far.done.append(key)
    done_so_far.records += len(batch.upserts)
    done_so_far.units += batch.units
    done_so_far.emails += batch.emails
    for reason, count in batch.skipped.items():
        done_so_far.skipped[reason] = done_so_far.skipped.get(reason, 0) + count
    done_so_far.notes += [line for line in batch.logs if line.startswith(progress.SAYS_WHY)]


def _batch_reads(request: BatchRequest) -> int:
    """How many companies a batch reads: its wave's keys, or a page."""
    return len(request.keys) if request.keys is not None else request.batch_size


def _company_key_of(row: Lead) -> str:
    company = row.company or {}
    return f"co:{company.get('domain') or company.get('name') or row.entity_key}"


def _outcome_summary(
    request: FinalizeRequest, rows: int, total_steps: int, title: str, livemode: bool
) -> str:
    leads_text = f"{rows} compan{'ies' if rows != 1 else 'y'}"
    mode = "" if livemode else " (test mode: synthetic data)"
    if request.status == "succeeded":
        return f"Found {leads_text} for {title}{mode}."
    if request.status == "stopped":
        return (
            f"Stopped after {request.completed_steps} of {total_steps} steps "
            f"({request.stop_reason}); {leads_text} collected{mode}."
        )
    message = request.error.message if request.error else "a step failed"
    return f"Failed: {message} {leads_text} collected before the failure{mode}."


def _summary(
    request: FinalizeRequest, rows: int, total_steps: int, title: str, livemode: bool
) -> str:
    """The job's summary, and what it went without when it degraded."""
    return _outcome_summary(request, rows, total_steps, title, livemode) + progress.degraded(
        request.skipped
    )
