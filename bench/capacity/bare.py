"""The floor for the hot reads: a bare FastAPI endpoint under the same uvicorn, returning a
job-sized JSON body with no authentication, no database and no middleware."""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()

BODY = {
    "id": "job_01JBENCHBENCHBENCHBENCHBENC",
    "object": "job",
    "status": "succeeded",
    "progress": {"step": 4, "steps": 4, "rows": 40},
    "credits_used": 0,
    "metadata": {},
}


@app.get("/bare")
async def bare() -> dict[str, object]:
    """A constant JSON object."""
    return BODY
