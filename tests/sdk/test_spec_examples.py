"""The spec's Python examples, exactly as printed, against the running stack."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from leadex import Leadex

from tests.sdk.conftest import EXAMPLES, run_python, sdk_env
from tests.support.stack import Keys, Stack

pytestmark = pytest.mark.backends("sqlite")


def _run_example(name: str, env: dict[str, str], cwd: Path, **init: str):
    code = (
        "import runpy, sys\n"
        f"runpy.run_path({str(EXAMPLES / name)!r}, init_globals={init!r}, run_name='__main__')\n"
    )
    return run_python(code, env, cwd)


async def test_quickstart_runs_as_printed(stack: Stack, org: Keys, tmp_path: Path) -> None:
    result = _run_example("quickstart.py", sdk_env(stack, org.test), tmp_path)
    assert result.returncode == 0, result.stderr
    steps = [line for line in result.stdout.splitlines() if line.startswith("[step] ")]
    assert steps, result.stdout
    assert all(line.removeprefix("[step] ").strip() not in {"", "None"} for line in steps)
    with (tmp_path / "leads.csv").open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert rows, "the downloaded CSV has no rows"
    assert "company_name" in rows[0]
    with Leadex(api_key=org.test, base_url=stack.base_url) as client:
        jobs = list(client.jobs.list())
    assert len(jobs) == 1 and jobs[0].status == "succeeded"
    assert jobs[0].artifact is not None and jobs[0].artifact.rows == len(rows)


async def test_python_sdk_section_runs_as_printed(stack: Stack, org: Keys, tmp_path: Path) -> None:
    # The section's async variant streams a `job_id` it leaves to the reader: an earlier job.
    with Leadex(api_key=org.test, base_url=stack.base_url) as client:
        earlier = client.search(prompt="Heads of Data at US healthcare companies", max_rows=5)
    assert earlier.status == "succeeded" and earlier.leads
    result = _run_example(
        "python_sdk.py", sdk_env(stack, org.test), tmp_path, job_id=earlier.job_id
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    searched = int(lines[0].removesuffix(" leads"))
    assert 0 < searched <= 100
    streamed = sum(int(line.split()[1]) for line in lines[1:] if line.startswith("got "))
    assert streamed >= len(earlier.leads)
