#!/usr/bin/env python3
"""Live-research quality on a sandbox web the tests never see, through the public API.

For each ICP prompt, a live job runs end to end (POST /v1/search) over a freshly generated
sandbox (seed 2027 by default; the tests use 7 and 1234), and its leads are scored against
the generator's ground truth: company and person recall and precision, email precision, the
share of values their sources state, and pairwise dedupe precision and recall.

    .venv/bin/python bench/quality [--seed 2027] [--only KEY ...] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from cli.accounts import mint_key, set_plan
from cli.localstack import running_stack, temporal_server
from cli.main import sandbox_env
from research.extract import extract_page
from research.grounding import is_grounded
from sandbox import generate
from sandbox.icp import EU_COUNTRIES, FOUNDER, ML_ENGINEER, STAFF_ENGINEER, Icp
from sandbox.model import SandboxWeb
from sandbox.scoring import Score, Truth, score
from sandbox.server import serve_in_thread

EUROPE = (*EU_COUNTRIES, "GB", "CH", "NO")
EVERY_INDUSTRY = (
    "fintech", "healthtech", "edtech", "insurtech", "devtools", "ai_infra", "cybersecurity",
    "saas", "ecommerce", "climate", "logistics", "hrtech", "martech", "biotech",
)  # fmt: skip
LATER = ("series_b", "series_c", "series_d", "growth")

PROMPTS: tuple[Icp, ...] = (
    Icp(
        "fr_fintech_series_a",
        "Series A fintechs in France with 20+ engineers. Pull VP Eng and Head of Growth.",
        ("fintech",), ("FR",), ("series_a",), min_engineers=20,
        roles=("vp_engineering", "head_of_growth"),
    ),
    Icp(
        "us_healthtech_data",
        "Heads of Data at US healthtech companies with 500–5000 employees using Snowflake.",
        ("healthtech",), ("US",), min_employees=500, max_employees=5000, tech="Snowflake",
        roles=("head_of_data",),
    ),
    Icp(
        "us_devtools_series_b_staff",
        "Series B devtools companies in the US hiring Staff Engineers, and their CTOs.",
        ("devtools",), ("US",), ("series_b",), hiring=STAFF_ENGINEER, roles=("cto",),
    ),
    Icp(
        "de_nl_climate_founders",
        "Seed or Series A climate startups in Germany or the Netherlands, their founders.",
        ("climate",), ("DE", "NL"), ("seed", "series_a"), roles=(FOUNDER,),
    ),
    Icp(
        "eu_ai_infra_series_b_ml",
        "Series B AI infrastructure companies in the EU hiring ML engineers, VP Eng.",
        ("ai_infra",), EU_COUNTRIES, ("series_b",), hiring=ML_ENGINEER,
        roles=("vp_engineering",),
    ),
    Icp("us_devtools_cto", "CTOs of devtools companies in the US", ("devtools",), ("US",),
        roles=("cto",)),
    Icp("us_healthtech_ceo", "CEOs of US healthtech companies", ("healthtech",), ("US",),
        roles=("ceo",)),
    Icp("fr_series_a_cto", "Series A startups in France; pull the CTO", EVERY_INDUSTRY,
        ("FR",), ("series_a",), roles=("cto",)),
    Icp("eu_ai_infra_cto", "AI infrastructure companies in the EU and their CTOs",
        ("ai_infra",), EU_COUNTRIES, roles=("cto",)),
    Icp("europe_fintech_ceo", "Fintech companies in Europe, with their CEO", ("fintech",),
        EUROPE, roles=("ceo",)),
    Icp("europe_climate_ceo", "Climate companies in Europe and their CEOs", ("climate",),
        EUROPE, roles=("ceo",)),
    Icp("us_healthtech_later_cto", "Series B or later healthtech companies in the US, CTO",
        ("healthtech",), ("US",), LATER, roles=("cto",)),
)  # fmt: skip

TARGETS = {
    "company_recall": 0.90,
    "company_precision": 0.95,
    "person_recall": 0.90,
    "person_precision": 0.95,
    "email_precision": 1.0,
    "grounded": 1.0,
}


def _grounder(web: SandboxWeb) -> Any:
    @lru_cache(maxsize=4096)
    def page_text(url: str) -> str:
        page = web.pages.get(url) or web.pages.get(url.rstrip("/")) or web.pages.get(url + "/")
        if page is None:
            return ""
        return extract_page(url, page.rendered_html or page.html).text

    def grounded(value: str, url: str, path: str) -> bool:
        return is_grounded(value, page_text(url), field=path)

    return grounded


async def _run_prompt(client: Any, icp: Icp, max_rows: int) -> list[dict[str, Any]]:
    response = await client.post(
        "/v1/search", json={"prompt": icp.prompt, "max_rows": max_rows}, timeout=600
    )
    if response.status_code != 200:
        raise RuntimeError(f"{icp.key}: {response.status_code} {response.text[:300]}")
    body = response.json()
    if body["status"] != "succeeded":
        raise RuntimeError(f"{icp.key}: job {body['job_id']} {body['status']}: {body['summary']}")
    return list(body["leads"])


def _row(name: str, metrics: dict[str, float], seconds: float | None = None) -> str:
    cells = [f"{metrics[key]:.2f}" for key in (*TARGETS, "dedupe_precision", "dedupe_recall")]
    timing = f"{seconds:6.1f}" if seconds is not None else "      "
    return f"{name:28} " + " ".join(f"{cell:>6}" for cell in cells) + f" {timing}"


async def main(seed: int, only: list[str], max_rows: int, report: Path | None) -> int:
    """Run the prompts and print the scores; exit 1 when a total misses its target."""
    web = generate(seed)
    truth = Truth(web.truth())
    grounded = _grounder(web)
    prompts = [icp for icp in PROMPTS if not only or icp.key in only]
    work = Path(tempfile.mkdtemp(prefix="leadex-quality-"))
    totals = Score(key="total")
    rows: list[dict[str, Any]] = []
    with serve_in_thread(web) as port, temporal_server(["leadex-bench"], work / "logs") as temporal:
        env = {**sandbox_env("127.0.0.1", port), "LEADEX_SEARCH_SYNC_TIMEOUT_SECONDS": "900"}
        database = f"sqlite:///{work / 'bench.db'}"
        with running_stack("bench", database, temporal.address, "leadex-bench", work, env) as stack:
            key = await mint_key(
                database, org_name="bench", livemode=True, scopes=["read", "run"], name="bench"
            )
            # Live jobs spend credits: give the benchmark's organization room for every prompt.
            await set_plan(database, "bench", tier="scale", credits=1_000_000)
            header = " ".join(
                f"{k[:6]:>6}" for k in (*TARGETS, "dedupe_precision", "dedupe_recall")
            )
            print(f"sandbox seed {seed}: {len(truth.companies)} companies, {len(web.pages)} pages")
            print(f"{'prompt':28} {header}  secs")
            async with stack.client(key.secret) as client:
                for icp in prompts:
                    started = time.monotonic()
                    leads = await _run_prompt(client, icp, max_rows)
                    elapsed = time.monotonic() - started
                    result = score(icp, leads, truth, grounded)
                    totals.add(result)
                    print(_row(icp.key, result.metrics(), elapsed), flush=True)
                    rows.append(
                        {
                            "key": icp.key,
                            "seconds": elapsed,
                            **result.metrics(),
                            "misses": result.misses,
                            "mistakes": result.mistakes,
                        }
                    )
    overall = totals.metrics()
    print(_row("TOTAL (micro-averaged)", overall))
    failing = [name for name, target in TARGETS.items() if overall[name] < target]
    for row in rows:
        for line in row["misses"][:5] + row["mistakes"][:5]:
            print(f"  {row['key']}: {line}")
    print("targets:", ", ".join(f"{name} >= {target}" for name, target in TARGETS.items()))
    print("result:", "all targets met" if not failing else f"below target: {', '.join(failing)}")
    if report is not None:
        payload = json.dumps({"seed": seed, "total": overall, "prompts": rows}, indent=2)
        await asyncio.to_thread(report.write_text, payload)
    return 1 if failing else 0


def cli() -> int:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(prog="bench/quality", description=__doc__)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--only", nargs="*", default=[], help="prompt keys to run")
    parser.add_argument("--max-rows", type=int, default=200)
    parser.add_argument("--json", type=Path, default=None, help="write the full report here")
    args = parser.parse_args()
    return asyncio.run(main(args.seed, args.only, args.max_rows, args.json))


if __name__ == "__main__":
    sys.exit(cli())
