"""The command line: ``python -m sandbox truth`` and ``python -m sandbox serve``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx

from sandbox import generate
from sandbox.__main__ import main
from sandbox.server import LoopbackTransport

ROOT = Path(__file__).resolve().parents[2]


def test_truth_command_writes_the_truth(tmp_path: Path) -> None:
    out = tmp_path / "truth.json"
    assert main(["truth", "--seed", "3", "--companies", "12", "--out", str(out)]) == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written == json.loads(json.dumps(generate(3, companies=12).truth()))


def test_serve_command_serves_the_web_and_writes_the_truth(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "serve", "--seed", "3", "--companies", "12",
         "--port", "0", "--out", str(tmp_path)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        banner = "".join(process.stdout.readline() for _ in range(4))
        rule = re.search(r"MAP \*\.test 127\.0\.0\.1:(\d+)", banner)
        assert rule, banner
        truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
        domain = truth["companies"][0]["primary_domain"]
        with httpx.Client(transport=LoopbackTransport(int(rule.group(1))), timeout=5) as client:
            response = _get_when_up(client, f"http://{domain}/")
            assert response.status_code == 200
            assert truth["companies"][0]["name"] in response.text
    finally:
        process.terminate()
        process.wait(timeout=10)


def _get_when_up(client: httpx.Client, url: str) -> httpx.Response:
    """GET the URL, retrying while the server opens its socket (the banner comes first)."""
    for _ in range(100):
        try:
            return client.get(url)
        except httpx.ConnectError:
            time.sleep(0.05)
    return client.get(url)
