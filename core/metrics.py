"""Prometheus series of the API and the workers, in the process's default registry.

The API serves them at /metrics; a worker serves them on ``LEADEX_METRICS_PORT``. The
Temporal SDK's own metrics are exported by its runtime on ``LEADEX_TEMPORAL_METRICS_PORT``.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "leadex_http_requests",
    "API requests by route template, method and status.",
    ["route", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "leadex_http_request_duration_seconds",
    "API request latency by route template and method (until the response has started).",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10, 30, 60),
)
SSE_CONNECTIONS = Gauge("leadex_sse_connections", "Job event streams open now.")
JOBS = Gauge(
    "leadex_jobs", "Jobs by status and mode, as stored (read at each scrape).", ["status", "mode"]
)
JOBS_FINISHED = Counter(
    "leadex_jobs_finished", "Jobs this worker concluded, by final status.", ["status"]
)
STEP_DURATION = Histogram(
    "leadex_step_duration_seconds",
    "Duration of each activity attempt (a step batch, a delivery, a plan…), by activity.",
    ["activity", "outcome"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900),
)
CREDITS_CONSUMED = Counter(
    "leadex_credits_consumed", "Credits charged for the jobs this worker concluded."
)
PAGES_FETCHED = Counter(
    "leadex_pages_fetched", "Web pages read, from the network or the source cache.", ["source"]
)
FETCH_ERRORS = Counter(
    "leadex_fetch_errors", "Pages that could not be fetched, by reason.", ["reason"]
)
SCHEDULE_RUNS = Counter("leadex_schedule_runs", "Schedule runs, started or skipped.", ["status"])
