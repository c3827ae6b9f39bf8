"""Session fixtures: one Temporal dev server, and a full stack per database backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.localstack import TemporalServer, temporal_server
from cli.main import sandbox_env
from sandbox import SandboxWeb, generate
from sandbox.server import serve_in_thread
from tests.support.crm_standins import CrmStandIns
from tests.support.serving import serve_app
from tests.support.stack import (
    POSTGRES_ENV,
    Keys,
    Stack,
    postgres_schema,
    postgres_url,
    running_test_stack,
)

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(scope="session")
def work_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Scratch space for the session's databases, data directories and logs."""
    return tmp_path_factory.mktemp("leadex")


@pytest.fixture(scope="session")
def temporal(work_dir: Path) -> Iterator[TemporalServer]:
    """A real Temporal dev server with one namespace per backend."""
    log_dir = work_dir / "logs"
    log_dir.mkdir(exist_ok=True)
    # Runs are told to continue as new after a few hundred events (the default is 4,096),
    # so every larger test job crosses a run boundary with its state, as long jobs do.
    limits = {"limit.historyCount.suggestContinueAsNew": 400}
    with temporal_server([f"leadex-{name}" for name in BACKENDS], log_dir, limits) as server:
        yield server


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend under test: sqlite or postgres."""
    return str(request.param)


@pytest.fixture(scope="session")
def database_url(backend: str, work_dir: Path) -> Iterator[str]:
    """An empty database of the backend (migrations are applied by whoever uses it)."""
    if backend == "sqlite":
        yield f"sqlite:///{work_dir / 'leadex-test.db'}"
        return
    base = postgres_url()
    if base is None:
        pytest.skip(f"PostgreSQL variant: set {POSTGRES_ENV} (CI sets it) to run it")
    with postgres_schema(base) as url:
        yield url


LIVE_SEED = 7


@pytest.fixture(scope="session")
def live_web() -> SandboxWeb:
    """The sandbox web live mode researches in tests (the benchmark uses another seed)."""
    return generate(LIVE_SEED)


@pytest.fixture(scope="session")
def live_web_port(live_web: SandboxWeb) -> Iterator[int]:
    """The sandbox web served on loopback for the whole session."""
    with serve_in_thread(live_web) as port:
        yield port


@pytest.fixture(scope="session")
def crm() -> Iterator[tuple[CrmStandIns, str]]:
    """The CRM stand-ins on loopback for the whole session, and their base URL."""
    stand_ins = CrmStandIns()
    with serve_app(stand_ins.app, "crm-stand-ins") as base_url:
        yield stand_ins, base_url


@pytest.fixture(scope="session")
def stack(
    backend: str,
    database_url: str,
    temporal: TemporalServer,
    work_dir: Path,
    live_web_port: int,
    crm: tuple[CrmStandIns, str],
) -> Iterator[Stack]:
    """API and worker processes over the backend's database; live keys research the sandbox."""
    with running_test_stack(
        backend,
        database_url,
        temporal.address,
        f"leadex-{backend}",
        work_dir,
        extra_env={**sandbox_env("127.0.0.1", live_web_port), **CrmStandIns.env(crm[1])},
    ) as running:
        yield running


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that uses the stack or a database on both backends, unless it is marked
    ``backends(...)`` because what it checks does not depend on the database."""
    if "backend" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("backends")
        names = list(marker.args) if marker else BACKENDS
        assert set(names) <= set(BACKENDS), f"unknown backends {names}"
        metafunc.parametrize("backend", names, indirect=True, scope="session")


@pytest.fixture
async def org(stack: Stack) -> Keys:
    """A fresh organization, so tests never see each other's objects."""
    return await stack.new_org()
