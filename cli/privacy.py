"""`leadex-server privacy erase`: an operator's erasure, the same durable run as the API's."""

from __future__ import annotations

from dataclasses import dataclass

from api.privacy.schemas import PersonIdentifier
from api.privacy.service import person_of
from core.config import Settings
from core.sealing import Sealer
from core.temporal import connect
from store.db import Database
from store.repositories import orgs
from store.repositories import privacy as repo
from store.tenancy import Tenant
from workflows import names
from workflows.privacy_types import ErasureRequest, ErasureResult
from workflows.queues import TaskQueues

MODES = {"live": (True,), "test": (False,), "both": (True, False)}


@dataclass(frozen=True, slots=True)
class OperatorErasure:
    """One erasure the command carried out, in one mode."""

    erasure_id: str
    livemode: bool
    identifier_hash: str
    result: ErasureResult | None


async def erase(
    settings: Settings, org_name: str, identifier: PersonIdentifier, *, mode: str, wait: bool
) -> list[OperatorErasure]:
    """Record an erasure per mode, start each durable run, and wait for them if asked."""
    subject = person_of(identifier)
    sealer = Sealer(settings.signing_key())
    database = Database(settings.resolved_database_url)
    try:
        async with database.transaction() as session:
            org = await orgs.get_by_name(session, org_name)
            if org is None:
                raise SystemExit(f"No organization named {org_name!r}.")
            recorded = [
                await repo.record_erasure(
                    session,
                    Tenant(org_id=org.id, livemode=livemode),
                    subject,
                    sealer.seal(subject.model_dump_json()),
                    requested_by="operator",
                )
                for livemode in MODES[mode]
            ]
    finally:
        await database.dispose()
    client = await connect(settings)
    queues = TaskQueues.from_settings(settings)
    done = []
    for erasure in recorded:
        handle = await client.start_workflow(
            names.ERASURE_WORKFLOW,
            ErasureRequest(erasure_id=erasure.id, task_queue=queues.maintenance),
            id=erasure.id,
            task_queue=queues.workflows,
            result_type=ErasureResult,
            static_summary=f"Erasure {erasure.id} (operator)",
        )
        result = await handle.result() if wait else None
        done.append(OperatorErasure(erasure.id, erasure.livemode, erasure.identifier_hash, result))
    return done
