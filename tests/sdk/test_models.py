"""The SDK's models against the OpenAPI document the server serves, and unknown fields."""

from __future__ import annotations

import types
import typing
from typing import Any

import httpx
import pytest
from leadex import _models, _streaming
from leadex._models import LeadexModel
from pydantic import BaseModel

from tests.support.stack import Stack

pytestmark = pytest.mark.backends("sqlite")

# Every object the server documents, and the SDK model that reads it.
SCHEMAS: dict[str, type[BaseModel]] = {
    "ScheduleObject": _models.Schedule,
    "ScheduleRunObject": _models.ScheduleRun,
    "ScheduleSpecObject": _models.ScheduleSpec,
    "CalendarSpec": _models.CalendarSpec,
    "ThreadObject": _models.Thread,
    "MessageObject": _models.Message,
    "AttachmentObject": _models.Attachment,
    "PlanObject": _models.Plan,
    "PlanStepObject": _models.PlanStep,
    "ProgressObject": _models.Progress,
    "ArtifactRef": _models.ArtifactRef,
    "JobErrorObject": _models.JobError,
    "JobObject": _models.Job,
    "MessageCreateResponse": _models.MessageCreateResponse,
    "ArtifactObject": _models.Artifact,
    "LeadCompany": _models.LeadCompany,
    "LeadPerson": _models.LeadPerson,
    "LeadSource": _models.LeadSource,
    "LeadObject": _models.Lead,
    "LogEntry": _models.LogEntry,
    "CoverageEntry": _models.CoverageEntry,
    "JobSummary": _models.JobSummary,
    "SearchResponse": _models.SearchResult,
    "ApiKeyObject": _models.ApiKey,
    "OrganizationObject": _models.Organization,
    "MeObject": _models.Me,
    "MemberObject": _models.Member,
    "UsageGroup": _models.UsageGroup,
    "UsageObject": _models.Usage,
    "BudgetObject": _models.Budget,
    "DeletedObject": _models.Deleted,
    "LogEventData": _models.LogEventData,
    "StepEventData": _models.StepEventData,
    "ResultEventData": _models.ResultEventData,
    "ArtifactEventData": _models.ArtifactEventData,
    "TerminalEventData": _models.TerminalEventData,
    "ErasureCounts": _models.ErasureCounts,
    "ErasureObject": _models.Erasure,
    "SuppressionObject": _models.Suppression,
    "ReportRecord": _models.ReportRecord,
    "ReportArtifact": _models.ReportArtifact,
    "ReportSource": _models.ReportSource,
    "PersonReport": _models.PersonReport,
    "WebhookObject": _models.WebhookEndpoint,
    "DeliveryObject": _models.WebhookDelivery,
    "AttemptObject": _models.WebhookAttempt,
    "PushObject": _models.PushResult,
    "IntegrationObject": _models.Integration,
    "ConnectObject": _models.IntegrationConnect,
}

# Server schemas that are requests, lists or plumbing rather than objects a client reads.
NOT_OBJECTS = {
    "ScheduleCreate",
    "WebhookCreate",
    "WebhookUpdate",
    "RotateRequest",
    "PushRequest",
    "ErasureCreate",
    "SuppressionCreate",
    "ScheduleUpdate",
    "PauseRequest",
    "ApiKeyCreate",
    "ApproveRequest",
    "AttachmentIn",
    "BudgetUpdate",
    "ErrorBody",
    "ErrorEnvelope",
    "HintsIn",
    "MemberInvite",
    "MessageCreate",
    "ReplanRequest",
    "Scope",
    "SearchRequest",
    "ShareUpdate",
    "StopJobRequest",
    "ThreadCreate",
    "ThreadUpdate",
    "HTTPValidationError",
    "ValidationError",
}


@pytest.fixture(scope="module")
def served(stack: Stack) -> dict[str, Any]:
    """The component schemas of the running server's OpenAPI document."""
    document = httpx.get(f"{stack.base_url}/v1/openapi.json", timeout=30).json()
    return dict(document["components"]["schemas"])


def _nullable(schema: dict[str, Any]) -> bool:
    options = schema.get("anyOf") or schema.get("oneOf") or [schema]
    return any(option.get("type") == "null" for option in options)


def _allows_none(annotation: Any) -> bool:
    if annotation is None or annotation is type(None):
        return True
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return type(None) in typing.get_args(annotation)
    return False


def test_every_served_object_has_a_model(served: dict[str, Any]) -> None:
    unmapped = {
        name
        for name in served
        if name not in SCHEMAS
        and name not in NOT_OBJECTS
        # List pages are generic; form bodies come from the provider's browser, not a client.
        and not name.startswith(("ListResponse_", "Body_"))
    }
    assert not unmapped, f"server objects without an SDK model: {sorted(unmapped)}"


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_model_matches_served_schema(served: dict[str, Any], name: str) -> None:
    schema = served[name]
    model = SCHEMAS[name]
    properties: dict[str, Any] = schema.get("properties", {})
    assert set(model.model_fields) == set(properties), name
    required = set(schema.get("required", []))
    for field_name, field in model.model_fields.items():
        prop = properties[field_name]
        if _nullable(prop):
            assert _allows_none(field.annotation), f"{name}.{field_name} may be null"
        else:
            assert not _allows_none(field.annotation), f"{name}.{field_name} is never null"
        if field.is_required():
            # The server may leave out what it does not require; the SDK must not insist.
            assert field_name in required, f"{name}.{field_name} is optional on the server"


def test_unknown_fields_are_accepted_and_kept() -> None:
    thread = _models.Thread.model_validate(
        {
            "id": "thr_1",
            "object": "thread",
            "livemode": False,
            "title": None,
            "created_at": "2026-04-21T10:11:32.200Z",
            "updated_at": "2026-04-21T10:14:02.081Z",
            "message_count": 0,
            "last_job_id": None,
            "metadata": {},
            "archived": True,
        }
    )
    assert thread.model_extra == {"archived": True}
    assert thread["message_count"] == 0 and thread.get("archived") is True
    event = _streaming.parse_event("evt_9", "insight", {"text": "new kind"})
    assert isinstance(event, _streaming.UnknownEvent) and event.data["text"] == "new kind"
    step = _streaming.parse_event("evt_1", "step", {"step_id": "stp_1", "status": "started"})
    assert isinstance(step, _streaming.StepEvent) and step.data["title"] is None


def test_models_ignore_no_field_by_accident() -> None:
    for model in SCHEMAS.values():
        assert issubclass(model, LeadexModel)
        assert model.model_config.get("extra") == "allow"
