#!/usr/bin/env python3
"""Live-research quality on a sandbox web the tests never see, through the public API.

For each ICP prompt, a live job runs end to end (POST /v1/search) over a freshly generated
sandbox (seed 2027 by default; the tests use 7 and 1234), and its leads are scored against
the generator's ground truth: company and person recall and precision, email precision, the
share of values their sources state, and pairwise dedupe precision and recall.

It also prints a reliability table: leads by confidence, and the share of each band that is
right (its company matches the prompt; its person, if any, is a requested current person
with their own address, if any). ``--load`` runs the same prompts while competing processes
load the CPU, memory and disk (and a second Temporal server runs); ``--no-browser`` runs them
with the browser missing, as on a machine where Chromium was never installed. Both should
print the idle figures.

    .venv/bin/python bench/quality [--seed 2027] [--only KEY ...] [--json out.json]
        [--load] [--no-browser]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
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
from sandbox.scoring import Score, Truth, firmographic_matches, score
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
RELIABLE_AT = 0.9
BANDS = (0.0, 0.5, 0.7, 0.8, 0.9, 1.01)
# Competing work for --load: busy loops on every core, a resident block of memory, a disk
# writer that syncs what it writes.
CPU_HOG = "while True: pass"
MEMORY_HOG = "import time; block = bytearray(512 * 2**20); time.sleep(10**6)"
DISK_HOG = (
    "import os, sys\n"
    "path = os.path.join(sys.argv[1], 'hog.bin')\n"
    "while True:\n"
    "    with open(path, 'wb') as f:\n"
    "        f.write(os.urandom(32 * 2**20)); f.flush(); os.fsync(f.fileno())\n"
)


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


def lead_is_right(icp: Icp, lead: Mapping[str, Any], truth: Truth) -> bool:
    """Whether a delivered lead is right: its company matches the prompt, its person (if any)
    is a requested current person there, and its address (if any) is that person's."""
    company = truth.company_of((lead.get("company") or {}).get("domain"))
    expected = {c["id"] for c in firmographic_matches(icp, truth)}
    if company is None or company["id"] not in expected:
        return False
    person = lead.get("person")
    if not person:
        return True
    real = truth.person_of(company, person.get("full_name") or "")
    if real is None or real not in icp.people(company):
        return False
    email = person.get("email")
    return not email or email.lower() == str(real["email"]).lower()


def reliability(judged: list[tuple[float, bool]]) -> list[tuple[str, int, float | None]]:
    """Leads by confidence band: how many, and the share that is right."""
    table = []
    for low, high in itertools.pairwise(BANDS):
        band = [right for confidence, right in judged if low <= confidence < high]
        share = sum(band) / len(band) if band else None
        table.append((f"[{low:.1f}, {min(high, 1.0):.1f}]", len(band), share))
    return table


@contextlib.contextmanager
def competing_load(work: Path) -> Iterator[None]:
    """CPU, memory and disk held busy by other processes (and another Temporal server)."""
    hogs = [
        *(
            subprocess.Popen([sys.executable, "-c", CPU_HOG])
            for _ in range(max(1, os.cpu_count() or 1))
        ),
        subprocess.Popen([sys.executable, "-c", MEMORY_HOG]),
        subprocess.Popen([sys.executable, "-c", DISK_HOG, str(work)]),
    ]
    try:
        with temporal_server(["leadex-load"], work / "load-logs"):
            yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


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


async def main(
    seed: int,
    only: list[str],
    max_rows: int,
    report: Path | None,
    *,
    load: bool = False,
    no_browser: bool = False,
) -> int:
    """Run the prompts and print the scores; exit 1 when a total misses its target."""
    work = Path(tempfile.mkdtemp(prefix="leadex-quality-"))
    with competing_load(work) if load else contextlib.nullcontext():
        return await _measure(seed, only, max_rows, report, work, no_browser=no_browser)


async def _measure(
    seed: int,
    only: list[str],
    max_rows: int,
    report: Path | None,
    work: Path,
    *,
    no_browser: bool,
) -> int:
    web = generate(seed)
    truth = Truth(web.truth())
    grounded = _grounder(web)
    prompts = [icp for icp in PROMPTS if not only or icp.key in only]
    totals = Score(key="total")
    judged: list[tuple[float, bool]] = []
    rows: list[dict[str, Any]] = []
    with serve_in_thread(web) as port, temporal_server(["leadex-bench"], work / "logs") as temporal:
        env = {
            **sandbox_env("127.0.0.1", port),
            "LEADEX_SEARCH_SYNC_TIMEOUT_SECONDS": "900",
            # Under --load (or on a busy machine) planning takes longer than an API call waits.
            "LEADEX_PLANNING_TIMEOUT_SECONDS": "300",
        }
        if no_browser:
            env["LEADEX_BROWSER_EXECUTABLE"] = str(work / "no-chromium")
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
                    judged += [
                        (float(lead.get("confidence") or 0), lead_is_right(icp, lead, truth))
                        for lead in leads
                    ]
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
    print("reliability: confidence band, leads, share right")
    for band, count, share in reliability(judged):
        print(f"  {band:12} {count:6} {'   -' if share is None else f'{share:6.2f}'}")
    sure = [right for confidence, right in judged if confidence >= RELIABLE_AT]
    overall["reliable_at_0.9"] = sum(sure) / len(sure) if sure else 1.0
    print(f"right among leads at confidence >= {RELIABLE_AT}: {overall['reliable_at_0.9']:.2f}")
    failing = [name for name, target in TARGETS.items() if overall[name] < target]
    if overall["reliable_at_0.9"] < RELIABLE_AT:
        failing.append("reliable_at_0.9")
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
    parser.add_argument("--load", action="store_true", help="run beside CPU, memory, disk load")
    parser.add_argument("--no-browser", action="store_true", help="run with the browser missing")
    args = parser.parse_args()
    return asyncio.run(
        main(
            args.seed,
            args.only,
            args.max_rows,
            args.json,
            load=args.load,
            no_browser=args.no_browser,
        )
    )


if __name__ == "__main__":
    sys.exit(cli())
