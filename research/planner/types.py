"""The planner's input and output models, shared by every planner implementation."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

MAX_STEPS = 12


class Intent(StrEnum):
    """What a step does."""

    DISCOVER = "discover"
    ENRICH = "enrich"
    VERIFY = "verify"
    DEDUPE = "dedupe"


class PlanStep(BaseModel):
    """One step of a plan, in the spec's shape."""

    id: str = Field(description="stp_1, stp_2, ... in order.")
    title: str
    intent: Intent
    task: str
    expected_columns: list[str]


class NumericRange(BaseModel):
    """A numeric threshold such as "20+ engineers" or "500–5000 employees"."""

    metric: str = Field(description="employees, engineers, funding_amount_usd, open_roles, ...")
    min: float | None = None
    max: float | None = None


class RoleTarget(BaseModel):
    """A person the user wants pulled for each company."""

    label: str = Field(description="As the user wrote it, e.g. 'VP Eng'.")
    title: str = Field(description="Canonical title, e.g. 'VP of Engineering'.")
    seniority: str = Field(description="c_level, vp, head, director, manager, lead, ic.")
    function: str = Field(description="engineering, growth, marketing, sales, data, ...")
    column_prefix: str = Field(description="Column stem, e.g. 'vp_eng' -> vp_eng_name.")


class SeedList(BaseModel):
    """Companies given up front (a csv attachment): the plan enriches instead of discovering."""

    kind: Literal["domains", "names"]
    values: list[str] = Field(default_factory=list)
    source_url: str | None = None


class Span(BaseModel):
    """Where in the user's words a criterion came from: character offsets into ``text``'s turn."""

    start: int
    end: int
    text: str


class Provenance(BaseModel):
    """One criterion and the words of the prompt it was read from."""

    field: str = Field(description="The criteria field: countries, exclusions.industries, ...")
    value: str = Field(description="The value as stored in that field.")
    span: Span


class Exclusions(BaseModel):
    """What the audience must not be: a company matching any of these is dropped."""

    industries: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list, description="ISO 3166-1 alpha-2.")
    regions: list[str] = Field(default_factory=list)
    subdivisions: list[str] = Field(default_factory=list, description="ISO 3166-2 codes.")
    cities: list[str] = Field(default_factory=list)
    stages: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(
        default_factory=list, description="Free words: 'crypto exchanges', 'agencies'."
    )
    thresholds: list[NumericRange] = Field(
        default_factory=list, description="Ranges to rule out: 'above 500 employees'."
    )

    def is_empty(self) -> bool:
        """Whether nothing is excluded."""
        return not any(getattr(self, name) for name in type(self).model_fields)


class Requirement(BaseModel):
    """A claim the engine cannot structure, checked as written against page evidence."""

    text: str = Field(description="As the user wrote it: 'more than 3 locations'.")
    terms: list[str] = Field(
        default_factory=list, description="Search and evidence terms derived from the text."
    )


class Criteria(BaseModel):
    """The structured audience a plan targets; the research engine runs on this."""

    industries: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list, description="ISO 3166-1 alpha-2.")
    regions: list[str] = Field(default_factory=list)
    subdivisions: list[str] = Field(
        default_factory=list, description="ISO 3166-2 codes: US-OH, CA-ON, DE-BY."
    )
    cities: list[str] = Field(default_factory=list)
    stages: list[str] = Field(default_factory=list)
    funded_within_months: int | None = None
    funded_within_days: int | None = Field(
        default=None, description="A finer window, e.g. 'announced in the last 7 days'."
    )
    funded_since: date | None = Field(
        default=None, description="Inclusive bound on the last round's date: 'funded in 2025'."
    )
    funded_until: date | None = Field(default=None, description="Inclusive upper bound.")
    thresholds: list[NumericRange] = Field(default_factory=list)
    technologies: list[str] = Field(default_factory=list)
    hiring: list[str] = Field(default_factory=list)
    roles: list[RoleTarget] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    want_email: bool = False
    enrich_dimensions: list[str] = Field(default_factory=list)
    excluded_sources: list[str] = Field(default_factory=list)
    preferred_sources: list[str] = Field(default_factory=list)
    max_rows: int | None = None
    seed: SeedList | None = None
    url_list: list[str] = Field(default_factory=list)
    exclusions: Exclusions = Field(default_factory=Exclusions)
    requirements: list[Requirement] = Field(default_factory=list)
    provenance: list[Provenance] = Field(
        default_factory=list, description="The prompt span each criterion came from."
    )
    notes: list[str] = Field(
        default_factory=list,
        description="What the planner could not structure, and how the engine will check it.",
    )


class DraftPlan(BaseModel):
    """A planner's result before it is stored."""

    title: str
    steps: list[PlanStep] = Field(max_length=MAX_STEPS)
    criteria: Criteria
    target_rows: int
    credits_estimate: int
    planner: str = "rules"


class PlanningTurn(BaseModel):
    """One message of the thread's history, oldest first."""

    role: Literal["user", "assistant"]
    kind: str = "text"
    content: str


class Attachment(BaseModel):
    """A message attachment as the API accepted it."""

    kind: Literal["csv", "url_list"]
    url: str


class Hints(BaseModel):
    """Soft constraints from the message."""

    max_rows: int | None = None
    preferred_sources: list[str] = Field(default_factory=list)


class PlanningRequest(BaseModel):
    """Everything a planner sees: the whole history, with the newest user turn last."""

    turns: list[PlanningTurn]
    previous: Criteria | None = None
    feedback: str | None = None
    hints: Hints = Field(default_factory=Hints)
    attachments: list[Attachment] = Field(default_factory=list)
    loaded_seed: SeedList | None = Field(
        default=None, description="The csv attachment, already fetched and parsed."
    )
    loaded_urls: list[str] = Field(
        default_factory=list, description="The URLs of url_list attachments, already read."
    )
    default_rows: int = 30


class PlanRejection(Exception):
    """The planner declines the prompt; ``message`` tells the user what is missing."""

    def __init__(self, message: str, missing: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.missing = missing or []
