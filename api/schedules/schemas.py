"""Schedule request bodies and the schedule object."""

from __future__ import annotations

from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StrictBool,
    StrictInt,
    field_validator,
    model_validator,
)

from api.schemas import CONTENT_MAX, Metadata
from core.clock import as_utc
from store.models import Schedule, ScheduleRun
from store.objects import Timestamp

Overlap = Literal["skip", "buffer_one", "allow_all"]
WEEKDAYS = {"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}
CRON_MAX = 200


def _check_timezone(value: str) -> str:
    if value != "UTC" and value not in available_timezones():
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone '{value[:60]}'; use an IANA name such as Europe/Paris"
            ) from None
    return value


TimeZone = Annotated[
    str,
    Field(max_length=64, description="An IANA time zone, e.g. Europe/Paris (default UTC)."),
    AfterValidator(_check_timezone),
]
Prompt = Annotated[str, Field(min_length=1, max_length=CONTENT_MAX)]
Cron = Annotated[
    str,
    Field(
        min_length=1,
        max_length=CRON_MAX,
        description="A cron expression, e.g. '0 9 * * MON' (minute hour day month weekday).",
    ),
]
Values = StrictInt | list[StrictInt]


class CalendarSpec(BaseModel):
    """Calendar times: each field is a value or a list of values; a field left out means
    every value, except second, minute and hour, which default to 0."""

    model_config = ConfigDict(extra="forbid")

    second: Values = Field(default=0, description="0–59.")
    minute: Values = Field(default=0, description="0–59.")
    hour: Values = Field(default=0, description="0–23.")
    day_of_month: Values | None = Field(default=None, description="1–31; default every day.")
    month: Values | None = Field(default=None, description="1–12; default every month.")
    day_of_week: StrictInt | str | list[StrictInt | str] | None = Field(
        default=None, description="0–6 from Sunday, or names (MON, tue…); default every day."
    )

    @field_validator("second", "minute")
    @classmethod
    def _sixty(cls, value: Values) -> Values:
        return _in_range(value, 0, 59)

    @field_validator("hour")
    @classmethod
    def _hours(cls, value: Values) -> Values:
        return _in_range(value, 0, 23)

    @field_validator("day_of_month")
    @classmethod
    def _days(cls, value: Values | None) -> Values | None:
        return None if value is None else _in_range(value, 1, 31)

    @field_validator("month")
    @classmethod
    def _months(cls, value: Values | None) -> Values | None:
        return None if value is None else _in_range(value, 1, 12)

    @field_validator("day_of_week")
    @classmethod
    def _weekdays(cls, value: int | str | list[int | str] | None) -> list[int] | None:
        if value is None:
            return None
        items = value if isinstance(value, list) else [value]
        days: list[int] = []
        for item in items:
            if isinstance(item, str):
                day = WEEKDAYS.get(item.strip().lower()[:3])
                if day is None:
                    raise ValueError(f"unknown weekday '{item[:20]}'; use MON…SUN or 0–6")
                days.append(day)
            else:
                days.append(item)
        _in_range(days, 0, 6)
        return days


def _in_range(value: Values, low: int, high: int) -> Values:
    items = value if isinstance(value, list) else [value]
    if not items:
        raise ValueError("give at least one value")
    for item in items:
        if not low <= item <= high:
            raise ValueError(f"{item} is outside {low}–{high}")
    return value


class ScheduleCreate(BaseModel):
    """POST /v1/schedules: what to run (a prompt, or a message in a thread) and when."""

    model_config = ConfigDict(extra="forbid")

    prompt: Prompt | None = Field(default=None, description="Each run starts a new thread.")
    thread_id: str | None = Field(
        default=None, max_length=40, description="Each run posts `content` to this thread."
    )
    content: Prompt | None = None
    max_rows: StrictInt | None = Field(default=None, ge=1, le=10_000)
    max_credits: StrictInt | None = Field(default=None, ge=1, description="Ceiling per run.")
    cron: Cron | None = None
    calendar: CalendarSpec | None = None
    timezone: TimeZone = "UTC"
    overlap: Overlap = Field(
        default="skip",
        description="When the previous run's job is still running: skip this run (recorded "
        "with its reason), run one after it (buffer_one), or run anyway (allow_all).",
    )
    exclude_previous: StrictBool = Field(
        default=False, description="Leads an earlier run delivered are not delivered again."
    )
    webhook_url: HttpUrl | None = None
    metadata: Metadata | None = None
    paused: StrictBool = False
    note: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _one_target_one_spec(self) -> ScheduleCreate:
        if self.prompt is None and self.thread_id is None:
            raise ValueError("give a prompt, or a thread_id with content")
        if self.prompt is not None and (self.thread_id is not None or self.content is not None):
            raise ValueError("give either a prompt or a thread_id with content, not both")
        if self.thread_id is not None and self.content is None:
            raise ValueError("a thread_id needs the content to post on each run")
        if (self.cron is None) == (self.calendar is None):
            raise ValueError("give exactly one of cron and calendar")
        return self


class ScheduleUpdate(BaseModel):
    """POST /v1/schedules/{id}: only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    prompt: Prompt | None = None
    content: Prompt | None = None
    max_rows: StrictInt | None = Field(default=None, ge=1, le=10_000)
    max_credits: StrictInt | None = Field(default=None, ge=1)
    cron: Cron | None = None
    calendar: CalendarSpec | None = None
    timezone: TimeZone | None = None
    overlap: Overlap | None = None
    exclude_previous: StrictBool | None = None
    webhook_url: HttpUrl | None = None
    metadata: Metadata | None = None

    @model_validator(mode="after")
    def _one_spec(self) -> ScheduleUpdate:
        if self.cron is not None and self.calendar is not None:
            raise ValueError("give at most one of cron and calendar")
        return self


class PauseRequest(BaseModel):
    """POST /v1/schedules/{id}/pause and /resume."""

    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(
        default=None, max_length=500, description="Why; shown in the Temporal UI too."
    )


class ScheduleSpecObject(BaseModel):
    """When a schedule runs."""

    cron: str | None
    calendar: CalendarSpec | None
    timezone: str


class ScheduleRunObject(BaseModel):
    """One run of a schedule: the job it started, or why it was skipped."""

    model_config = ConfigDict(extra="forbid")

    id: str
    object: Literal["schedule_run"] = "schedule_run"
    status: Literal["started", "skipped"]
    reason: str | None
    job_id: str | None
    thread_id: str | None
    plan_id: str | None
    scheduled_at: Timestamp
    created_at: Timestamp

    @classmethod
    def from_row(cls, row: ScheduleRun) -> ScheduleRunObject:
        """Render a run row."""
        return cls(
            id=row.id,
            status="skipped" if row.status == "skipped" else "started",
            reason=row.reason,
            job_id=row.job_id,
            thread_id=row.thread_id,
            plan_id=row.plan_id,
            scheduled_at=as_utc(row.scheduled_at),
            created_at=as_utc(row.created_at),
        )


class ScheduleObject(BaseModel):
    """The schedule object."""

    model_config = ConfigDict(extra="forbid")

    id: str
    object: Literal["schedule"] = "schedule"
    livemode: bool
    prompt: str | None
    thread_id: str | None
    content: str | None
    max_rows: int | None
    max_credits: int | None
    spec: ScheduleSpecObject
    overlap: Overlap
    exclude_previous: bool
    webhook_url: str | None
    metadata: dict[str, str]
    paused: bool
    note: str | None
    next_run_times: list[Timestamp] | None = Field(
        description="Upcoming runs as Temporal computes them; empty while paused, null while "
        "Temporal cannot be reached."
    )
    recent_runs: list[ScheduleRunObject] = Field(description="The latest runs, newest first.")
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def from_row(
        cls,
        row: Schedule,
        *,
        next_run_times: list[Timestamp] | None = None,
        recent_runs: list[ScheduleRun] | None = None,
    ) -> ScheduleObject:
        """Render a schedule row with what Temporal and its run records say."""
        return cls(
            id=row.id,
            livemode=row.livemode,
            prompt=row.prompt,
            thread_id=row.thread_id,
            content=row.content,
            max_rows=row.max_rows,
            max_credits=row.max_credits,
            spec=ScheduleSpecObject(
                cron=row.cron,
                calendar=CalendarSpec.model_validate(row.calendar) if row.calendar else None,
                timezone=row.timezone,
            ),
            overlap=row.overlap,
            exclude_previous=row.exclude_previous,
            webhook_url=row.webhook_url,
            metadata=dict(row.meta or {}),
            paused=row.paused,
            note=row.note,
            next_run_times=None if next_run_times is None else list(next_run_times),
            recent_runs=[ScheduleRunObject.from_row(run) for run in recent_runs or []],
            created_at=as_utc(row.created_at),
            updated_at=as_utc(row.updated_at),
        )
