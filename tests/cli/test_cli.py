"""The leadex-server command: keys, migrate, and the one-command dev stack."""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.client import Client

from cli.main import Restarts, browser_warning, build_parser
from cli.processes import free_port, spawn, stop, temporal_binary, wait_for_port
from core.temporal import SEARCH_ATTRIBUTES

LEADEX = [sys.executable, "-m", "cli.main"]


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*LEADEX, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_keys_create_prints_the_secret_last_and_reuses_the_org(tmp_path: Path) -> None:
    first = _run(
        "keys",
        "create",
        "--org",
        "acme",
        "--mode",
        "live",
        "--scopes",
        "read,run",
        "--data-dir",
        str(tmp_path),
    )
    second = _run(
        "keys",
        "create",
        "--org",
        "acme",
        "--mode",
        "test",
        "--scopes",
        "read",
        "--name",
        "ci",
        "--data-dir",
        str(tmp_path),
    )
    bad_scope = _run(
        "keys",
        "create",
        "--org",
        "acme",
        "--mode",
        "test",
        "--scopes",
        "read,root",
        "--data-dir",
        str(tmp_path),
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().splitlines()[-1].startswith("sk_live_")
    assert "Created organization 'acme'" in first.stdout
    assert second.stdout.strip().splitlines()[-1].startswith("sk_test_")
    assert "Created organization" not in second.stdout
    assert bad_scope.returncode != 0 and "Unknown scope 'root'" in bad_scope.stderr
    database = (tmp_path / "leadex.db").read_bytes()
    assert first.stdout.strip().splitlines()[-1].encode() not in database


def test_migrate_uses_the_database_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'other.db'}"
    result = _run("migrate", env={"LEADEX_DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "other.db").exists()


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start_dev(
    data_dir: Path, ports: dict[str, int], *extra: str
) -> tuple[subprocess.Popen[str], list[str]]:
    process = subprocess.Popen(
        [
            *LEADEX,
            "dev",
            "--data-dir",
            str(data_dir),
            "--port",
            str(ports["api"]),
            "--temporal-port",
            str(ports["temporal"]),
            "--ui-port",
            str(ports["ui"]),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=(data_dir.parent / "dev-stderr.log").open("a"),
        stdin=subprocess.DEVNULL,
        text=True,
    )
    lines: list[str] = []
    assert process.stdout is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if line.startswith("Press Ctrl-C"):
            return process, lines
    process.kill()
    raise AssertionError(f"dev did not start: {lines}")


def _child_running(pid: int, command: str) -> int | None:
    """The pid of the child of ``pid`` running ``cli.main <command>``."""
    for child in _children(pid):
        try:
            argv = (Path("/proc") / str(child) / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"cli.main" in argv and command.encode() in argv and _alive(child):
            return child
    return None


def _stop_dev(process: subprocess.Popen[str]) -> set[int]:
    children = _children(process.pid)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0
    return children


@pytest.mark.timeout(300)
async def test_dev_runs_the_whole_stack_and_ctrl_c_stops_it(tmp_path: Path) -> None:
    ports = {"api": free_port(), "temporal": free_port(), "ui": free_port()}
    data_dir = tmp_path / "var"
    process, lines = _start_dev(data_dir, ports)
    try:
        key_lines = [line for line in lines if line.startswith("LEADEX_API_KEY=")]
        assert len(key_lines) == 1
        key = key_lines[0].split("=", 1)[1]
        assert re.fullmatch(r"sk_test_[A-Za-z0-9_\-]{20,}", key)
        assert f"http://127.0.0.1:{ports['api']}/v1" in "\n".join(lines)
        assert f"http://127.0.0.1:{ports['ui']}" in "\n".join(lines)
        base = f"http://127.0.0.1:{ports['api']}/v1"
        # The web app's one-time login link signs the printed key in, once.
        link = next(word for line in lines for word in line.split() if "/app/login/once/" in word)
        async with httpx.AsyncClient(timeout=30) as browser:
            first = await browser.get(link)
            again = await browser.get(link)
        assert first.status_code == 303 and first.headers["location"] == "/app/threads"
        assert "leadex_session" in first.cookies and key not in first.headers["set-cookie"]
        assert again.status_code == 401 and "already used" in again.text
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            assert (await client.get("/threads")).status_code == 401
            headers = {"Authorization": f"Bearer {key}"}
            thread = (await client.post("/threads", json={"title": "t"}, headers=headers)).json()
            # A crashed worker is restarted; the stack stays up and plans are still drafted.
            worker = _child_running(process.pid, "worker")
            assert worker is not None
            os.kill(worker, signal.SIGKILL)
            deadline = time.monotonic() + 30
            while _child_running(process.pid, "worker") in (None, worker):
                assert time.monotonic() < deadline, "the worker was not restarted"
                time.sleep(0.2)
            assert process.poll() is None
            drafted = await client.post(
                f"/threads/{thread['id']}/messages",
                json={"content": "Series A fintechs in France. Pull the CTO."},
                headers=headers,
            )
            assert drafted.status_code == 200, drafted.text
            job_id = drafted.json()["job"]["id"]
            ui_link = f"http://127.0.0.1:{ports['ui']}/namespaces/default/workflows/{job_id}"
            assert drafted.json()["job"]["temporal_url"] == ui_link
        async with httpx.AsyncClient(timeout=30) as client:
            ui = await client.get(f"http://127.0.0.1:{ports['ui']}/")
        assert ui.status_code == 200
    finally:
        children = _stop_dev(process)
    assert len(children) == 3  # Temporal, the worker and the API
    assert "worker exited with -9; restarting it." in (tmp_path / "dev-stderr.log").read_text()
    assert not [pid for pid in children if _alive(pid)]

    # A second start on the same data directory keeps everything: the key, the thread and
    # Temporal's history of the planning run.
    process, lines = _start_dev(data_dir, ports)
    try:
        assert not any(line.startswith("LEADEX_API_KEY=sk_") for line in lines)
        assert any("printed on this data directory's first run" in line for line in lines)
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            again = await client.get(f"/threads/{thread['id']}", headers=headers)
        assert again.status_code == 200
        temporal = await Client.connect(f"127.0.0.1:{ports['temporal']}")
        description = await temporal.get_workflow_handle(drafted.json()["plan"]["id"]).describe()
        assert description.workflow_type == "leadex.planning"
        registered = await _search_attributes(temporal)
        assert {key.name for key in SEARCH_ATTRIBUTES} <= registered
        assert "LeadexScheduleId" in registered
    finally:
        children = _stop_dev(process)
    assert not [pid for pid in children if _alive(pid)]


async def _search_attributes(client: Client) -> set[str]:
    listing = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=client.namespace)
    )
    return set(listing.custom_attributes)


async def test_temporal_setup_registers_the_search_attributes_once(tmp_path: Path) -> None:
    """A cluster started without Leadex's attributes gets them from `temporal setup`."""
    port = free_port()
    argv = [temporal_binary(), "server", "start-dev", "--headless", "--ip", "127.0.0.1"]
    server = spawn([*argv, "--port", str(port)], log=tmp_path / "temporal.log")
    env = {"LEADEX_TEMPORAL_ADDRESS": f"127.0.0.1:{port}", "LEADEX_TEMPORAL_NAMESPACE": "default"}
    try:
        wait_for_port("127.0.0.1", port, timeout=60, process=server)
        client = await Client.connect(f"127.0.0.1:{port}")
        assert not {key.name for key in SEARCH_ATTRIBUTES} & await _search_attributes(client)
        first = _run("temporal", "setup", env=env)
        assert first.returncode == 0, first.stderr
        assert "Registered search attribute LeadexScheduleId" in first.stdout
        assert {key.name for key in SEARCH_ATTRIBUTES} <= await _search_attributes(client)
        second = _run("temporal", "setup", env=env)
        assert second.returncode == 0, second.stderr
        assert "Registered" not in second.stdout
        assert f"all {len(SEARCH_ATTRIBUTES)} Leadex search attributes" in second.stdout
    finally:
        stop(server)


@pytest.mark.timeout(300)
async def test_dev_sandbox_researches_the_generated_web(tmp_path: Path) -> None:
    ports = {"api": free_port(), "temporal": free_port(), "ui": free_port()}
    sandbox_port = free_port()
    process, lines = _start_dev(
        tmp_path / "var", ports, "--sandbox", "--sandbox-port", str(sandbox_port)
    )
    try:
        live = [line.split("=", 1)[1] for line in lines if line.startswith("LEADEX_LIVE_API_KEY=")]
        assert live and live[0].startswith("sk_live_")
        assert any(f"127.0.0.1:{sandbox_port}" in line for line in lines)
        assert (tmp_path / "var" / "sandbox" / "truth.json").exists()
        base = f"http://127.0.0.1:{ports['api']}/v1"
        async with httpx.AsyncClient(base_url=base, timeout=300) as client:
            found = await client.post(
                "/search",
                json={"prompt": "CTOs of fintech companies in France", "max_rows": 5},
                headers={"Authorization": f"Bearer {live[0]}"},
            )
        assert found.status_code == 200, found.text
        body = found.json()
        assert body["status"] == "succeeded", body["summary"]
        assert body["livemode"] is True
        assert body["leads"], body["summary"]
        assert all(".test/" in s["url"] for lead in body["leads"] for s in lead["sources"])
    finally:
        children = _stop_dev(process)
    assert len(children) == 4  # the sandbox web, Temporal, the worker and the API
    assert not [pid for pid in children if _alive(pid)]


def test_a_restart_budget_stops_a_crash_loop() -> None:
    restarts = Restarts(limit=3, window=60)
    assert [restarts.allow("worker", at) for at in (0, 1, 2, 3)] == [True, True, True, False]
    assert restarts.allow("api", 3)  # each process has its own budget
    assert restarts.allow("worker", 61.5)  # a minute later the old crashes no longer count


def test_a_missing_browser_is_named_with_what_live_jobs_lack(tmp_path: Path) -> None:
    missing = browser_warning(str(tmp_path / "chromium"))
    present = tmp_path / "present"
    present.write_text("#!/bin/sh\n")
    present.chmod(0o755)
    assert missing is not None and "live jobs cannot render pages" in missing
    assert str(tmp_path / "chromium") in missing
    assert browser_warning(str(present)) is None


def test_every_command_and_option_describes_itself() -> None:
    parser = build_parser()
    undocumented = []

    def walk(command: argparse.ArgumentParser, path: str) -> None:
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction):
                helps = {choice.dest: choice.help for choice in action._choices_actions}
                for name, sub in action.choices.items():
                    if not helps.get(name):
                        undocumented.append(f"{path} {name}")
                    walk(sub, f"{path} {name}")
            elif not isinstance(action, argparse._HelpAction) and not action.help:
                undocumented.append(f"{path} {'/'.join(action.option_strings) or action.dest}")

    walk(parser, "leadex-server")
    assert undocumented == []
    usage = subprocess.run(
        [*LEADEX, "dev", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "--sandbox-port" in usage and "sandbox web" in usage
