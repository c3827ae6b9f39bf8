"""Logging: plain text by default, one JSON object per line when ``LEADEX_LOG_FORMAT=json``;
every record carries the request id, and inside Temporal work the workflow and job ids."""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

from temporalio import activity, workflow

REQUEST_ID: ContextVar[str | None] = ContextVar("leadex_request_id", default=None)
JOB_ID: ContextVar[str | None] = ContextVar("leadex_job_id", default=None)

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JOB_PREFIX = "job_"


def _temporal_ids() -> tuple[str | None, str | None]:
    """(workflow id, job id) of the activity or workflow running now, if any."""
    workflow_id: str | None = None
    if activity.in_activity():
        workflow_id = activity.info().workflow_id
    elif workflow.in_workflow():
        workflow_id = workflow.info().workflow_id
    if workflow_id is None:
        return None, None
    job_id = workflow_id.split("-")[0] if workflow_id.startswith(JOB_PREFIX) else None
    return workflow_id, job_id


class ContextFilter(logging.Filter):
    """Adds ``request_id``, ``job_id`` and ``workflow_id`` to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Attach the ids (an explicit ``extra`` wins)."""
        workflow_id, job_id = _temporal_ids()
        if getattr(record, "request_id", None) is None:
            record.request_id = REQUEST_ID.get()
        if getattr(record, "workflow_id", None) is None:
            record.workflow_id = workflow_id
        if getattr(record, "job_id", None) is None:
            record.job_id = JOB_ID.get() or job_id
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the ids, and any error."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as JSON."""
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in ("request_id", "job_id", "workflow_id"):
            value = getattr(record, name, None)
            if value:
                entry[name] = value
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(level: str, fmt: str) -> None:
    """Configure the root logger once for the process (text or JSON)."""
    handler = logging.StreamHandler()
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # uvicorn's loggers keep their own handlers unless routed through the root's.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
