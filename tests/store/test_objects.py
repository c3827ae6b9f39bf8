"""The public objects built straight from rows match the validated models exactly."""

from __future__ import annotations

from typing import Any

import pytest

from store.models import Lead
from store.objects import LeadObject, dump


def _lead(**overrides: Any) -> Lead:
    values: dict[str, Any] = {
        "id": "lead_1",
        "org_id": "org_1",
        "livemode": False,
        "job_id": "job_1",
        "entity_key": "person:acme.example:ada lovelace",
        "kind": "person",
        "state": "published",
        "company": {"name": "Acme", "domain": "acme.example", "hq_city": "Paris"},
        "person": {"full_name": "Ada Lovelace", "title": "CTO", "email": "ada@acme.example"},
        "fields": {"funding_stage": "series_a", "tech_stack": ["python", "go"]},
        "sources": [
            {
                "kind": "web",
                "url": "https://acme.example/team",
                "retrieved_at": "2026-04-21T14:22:01.430512Z",
                "fields": ["person.full_name", "person.title"],
            },
            {
                "kind": "attachment",
                "url": "https://ops.example/seeds.csv",
                "retrieved_at": "2026-04-21T16:22:01.999+02:00",
                "fields": ["company.domain"],
            },
            {
                "kind": "synthetic",
                "url": "https://acme.example/",
                "retrieved_at": "2026-04-21T14:22:01",
                "fields": [],
            },
        ],
        "confidence": 0.876543,
    }
    return Lead(**{**values, **overrides})


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"person": None, "kind": "company"},
        {"company": {}, "fields": {}, "sources": []},
        {"person": {"full_name": "Grace Hopper"}, "livemode": True, "confidence": 1.0},
    ],
    ids=["person", "company-only", "empty", "sparse-person"],
)
def test_a_lead_payload_is_the_models_dump(overrides: dict[str, Any]) -> None:
    row = _lead(**overrides)
    assert LeadObject.payload(row) == dump(LeadObject.from_row(row))


def test_a_lead_payload_keeps_the_models_key_order() -> None:
    row = _lead()
    assert list(LeadObject.payload(row)) == list(dump(LeadObject.from_row(row)))
    assert LeadObject.payload(row)["sources"][1]["retrieved_at"] == "2026-04-21T14:22:01.999Z"
