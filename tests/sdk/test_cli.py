"""The `leadex` command against the running stack: files written, exit codes, messages."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from tests.sdk.conftest import sdk_env
from tests.support.stack import Keys, Stack

pytestmark = pytest.mark.backends("sqlite")

LEADEX = str(Path(sys.executable).parent / "leadex")
PROMPT = "Series A fintechs in France with 20+ engineers. Pull VP Eng."


def leadex(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed command as a user would."""
    return subprocess.run(
        [LEADEX, *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


@pytest.fixture
def env(stack: Stack, org: Keys, tmp_path: Path) -> dict[str, str]:
    """A user's environment: the key, the server, and an empty config directory."""
    return sdk_env(stack, org.test, XDG_CONFIG_HOME=str(tmp_path / "config"))


async def test_search_writes_csv_with_progress(env: dict[str, str], tmp_path: Path) -> None:
    result = leadex("search", PROMPT, "--max-rows", "5", "-o", "leads.csv", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "[step]" in result.stderr
    assert "steps" in result.stderr  # the progress bar's counter
    lines = (tmp_path / "leads.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("company_name,")
    assert len(lines) > 1
    assert f"Saved {len(lines) - 1} rows to leads.csv" in result.stderr


async def test_search_writes_json_and_xlsx(env: dict[str, str], tmp_path: Path) -> None:
    as_json = leadex("search", PROMPT, "--max-rows", "3", "-o", "leads.json", env=env, cwd=tmp_path)
    assert as_json.returncode == 0, as_json.stderr
    leads = json.loads((tmp_path / "leads.json").read_text())["data"]
    assert leads and all(lead["object"] == "lead" for lead in leads)
    as_xlsx = leadex(
        "--json", "search", PROMPT, "--max-rows", "3", "-o", "leads.xlsx", env=env, cwd=tmp_path
    )
    assert as_xlsx.returncode == 0, as_xlsx.stderr
    report = json.loads(as_xlsx.stdout)
    assert report["job"]["status"] == "succeeded" and report["output"] == "leads.xlsx"
    sheet = openpyxl.load_workbook(tmp_path / "leads.xlsx").active
    assert sheet is not None
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert header[0] == "company_name"
    assert sheet.max_row == report["job"]["artifact"]["rows"] + 1


async def test_jobs_and_artifacts_commands(env: dict[str, str], tmp_path: Path) -> None:
    searched = leadex("--json", "search", PROMPT, "--max-rows", "3", env=env, cwd=tmp_path)
    assert searched.returncode == 0, searched.stderr
    job = json.loads(searched.stdout)["job"]
    listed = leadex("jobs", "list", "--json", env=env, cwd=tmp_path)
    assert [entry["id"] for entry in json.loads(listed.stdout)] == [job["id"]]
    shown = leadex("jobs", "show", job["id"], env=env, cwd=tmp_path)
    assert shown.returncode == 0 and f"{job['id']}  succeeded  100%" in shown.stdout
    leads = json.loads(leadex("--json", "jobs", "leads", job["id"], env=env, cwd=tmp_path).stdout)
    assert len(leads) == job["artifact"]["rows"] or leads  # person-level leads, at least one
    streamed = leadex("--json", "jobs", "stream", job["id"], env=env, cwd=tmp_path)
    events = [json.loads(line) for line in streamed.stdout.splitlines()]
    assert events[-1]["type"] == "done"
    assert len({event["id"] for event in events}) == len(events)
    out = tmp_path / "out"
    out.mkdir()
    downloaded = leadex(
        "artifacts",
        "download",
        job["artifact"]["id"],
        "-o",
        str(out / "a.json"),
        env=env,
        cwd=tmp_path,
    )
    assert downloaded.returncode == 0, downloaded.stderr
    assert len(json.loads((out / "a.json").read_text())["data"]) == len(leads)
    threads = json.loads(leadex("--json", "threads", "list", env=env, cwd=tmp_path).stdout)
    assert [thread["id"] for thread in threads] == [job["thread_id"]]


async def test_errors_print_message_and_request_id_with_exit_code(
    env: dict[str, str], tmp_path: Path
) -> None:
    missing = leadex("jobs", "show", "job_doesnotexist", env=env, cwd=tmp_path)
    assert missing.returncode == 4
    assert "request_id: req_" in missing.stderr
    assert "Traceback" not in missing.stderr
    bad_key = leadex("threads", "list", env={**env, "LEADEX_API_KEY": "sk_test_nope"}, cwd=tmp_path)
    assert bad_key.returncode == 3
    assert "request_id: req_" in bad_key.stderr and "Traceback" not in bad_key.stderr
    unreachable = leadex(
        "threads", "list", env={**env, "LEADEX_BASE_URL": "http://127.0.0.1:9"}, cwd=tmp_path
    )
    assert unreachable.returncode == 9
    assert "Could not reach" in unreachable.stderr and "Traceback" not in unreachable.stderr
    usage = leadex("search", PROMPT, "-o", "leads.txt", env=env, cwd=tmp_path)
    assert usage.returncode == 2 and ".csv, .json or .xlsx" in usage.stderr


async def test_login_stores_a_private_profile_and_the_environment_wins(
    stack: Stack, org: Keys, env: dict[str, str], tmp_path: Path
) -> None:
    bare = {name: value for name, value in env.items() if name != "LEADEX_API_KEY"}
    login = leadex(
        "login", "--api-key", org.test, "--base-url", stack.base_url, env=bare, cwd=tmp_path
    )
    assert login.returncode == 0, login.stderr
    stored = Path(env["XDG_CONFIG_HOME"]) / "leadex" / "config.json"
    assert stat.S_IMODE(os.stat(stored).st_mode) == 0o600
    assert json.loads(stored.read_text())["profiles"]["default"]["api_key"] == org.test
    without_env = {k: v for k, v in bare.items() if k != "LEADEX_BASE_URL"}
    assert leadex("threads", "list", env=without_env, cwd=tmp_path).returncode == 0
    # The environment variable beats the stored key.
    overridden = leadex(
        "threads", "list", env={**without_env, "LEADEX_API_KEY": "sk_test_nope"}, cwd=tmp_path
    )
    assert overridden.returncode == 3
    # Another profile has nothing stored yet.
    other = leadex("--profile", "prod", "threads", "list", env=without_env, cwd=tmp_path)
    assert other.returncode == 3 and "leadex login" in other.stderr
    bad = leadex("login", "--api-key", "sk_test_nope", env=bare, cwd=tmp_path)
    assert bad.returncode == 3
    assert json.loads(stored.read_text())["profiles"]["default"]["api_key"] == org.test


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["login"],
        ["search"],
        ["threads"],
        ["threads", "list"],
        ["threads", "show"],
        ["threads", "create"],
        ["threads", "delete"],
        ["jobs"],
        ["jobs", "list"],
        ["jobs", "show"],
        ["jobs", "approve"],
        ["jobs", "stop"],
        ["jobs", "stream"],
        ["jobs", "leads"],
        ["artifacts"],
        ["artifacts", "download"],
    ],
)
def test_every_command_has_help_with_an_example(command: list[str], tmp_path: Path) -> None:
    result = leadex(*command, "--help", env=dict(os.environ), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Example:" in result.stdout and "leadex" in result.stdout


def test_shell_completion_script(tmp_path: Path) -> None:
    env = {**os.environ, "_LEADEX_COMPLETE": "bash_source"}
    result = leadex(env=env, cwd=tmp_path)
    assert result.returncode == 0
    assert "_LEADEX_COMPLETE=bash_complete" in result.stdout
