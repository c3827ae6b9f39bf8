"""The SDK builds as a wheel and works in a fresh virtualenv with only its two dependencies."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.sdk.conftest import sdk_env
from tests.support.stack import Keys, Stack

pytestmark = pytest.mark.backends("sqlite")

SDK = Path(__file__).resolve().parents[2] / "sdk" / "python"


def _run(*args: str | Path, cwd: Path) -> str:
    done = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


async def test_wheel_installs_alone_and_talks_to_the_server(
    stack: Stack, org: Keys, tmp_path: Path
) -> None:
    dist = tmp_path / "dist"
    _run(sys.executable, "-m", "build", "--wheel", "--outdir", dist, SDK, cwd=SDK)
    (wheel,) = dist.glob("leadex-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        requires = [
            line.removeprefix("Requires-Dist: ")
            for line in archive.read(metadata).decode().splitlines()
            if line.startswith("Requires-Dist: ")
        ]
    assert "leadex/py.typed" in names
    assert {r.split(">")[0] for r in requires if "extra ==" not in r} == {"httpx", "pydantic"}

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    _run(
        python,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        wheel,
        cwd=tmp_path,
    )
    installed = _run(python, "-m", "pip", "list", "--format=freeze", cwd=tmp_path).lower()
    assert "httpx==" in installed and "pydantic==" in installed
    assert "click==" not in installed and "rich==" not in installed

    code = "from leadex import Leadex\nprint(Leadex().threads.create(title='from a wheel').id)"
    env = sdk_env(stack, org.test)
    env.pop("PYTHONPATH", None)
    done = subprocess.run(
        [str(python), "-c", code],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("thr_")
    # The command line asks for its extra rather than failing with a traceback.
    bare = subprocess.run(
        [str(venv / "bin" / "leadex"), "--help"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bare.returncode == 1 and 'pip install "leadex[cli]"' in bare.stderr
