"""Session fixtures: one Temporal dev server, and a full stack per database backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import trustme

from cli.localstack import TemporalServer, temporal_server
from cli.main import sandbox_env
from sandbox import SandboxWeb, generate
from sandbox.server import serve_in_thread
from tests.support.crm_standins import CrmStandIns
from tests.support.files import SEEDS_HOST, SeedsSite, serve_files
from tests.support.serving import serve_app
from tests.support.stack import (
    POSTGRES_ENV,
    Keys,
    Stack,
    postgres_schema,
    postgres_url,
    running_test_stack,
)
from tests.support.tls import server_tls, write_ca

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


SEED_COMPANIES = 2


@pytest.fixture(scope="session")
def seeds_site(work_dir: Path, live_web: SandboxWeb) -> Iterator[SeedsSite]:
    """A seed CSV of sandbox companies whose CTO is on their team page, so live research
    can enrich each of them."""
    companies = [
        company
        for company in live_web.truth()["companies"]
        if any(p["current"] and p["role"] == "cto" and p["on_team_page"] for p in company["people"])
    ][:SEED_COMPANIES]
    rows = [f"{company['name']},{company['primary_domain']}" for company in companies]
    csv = "\n".join(["company,domain", *rows]) + "\n"
    ca = trustme.CA()
    ca_file = write_ca(ca, work_dir / "test-ca.pem")
    files = {"/seeds.csv": (csv.encode(), "text/csv")}
    with serve_files(files, tls=server_tls(ca, SEEDS_HOST)) as base:
        yield SeedsSite(port=int(urlsplit(base).port or 0), csv=csv, ca_file=ca_file)


@pytest.fixture(scope="session")
def stack(
    backend: str,
    database_url: str,
    temporal: TemporalServer,
    work_dir: Path,
    live_web_port: int,
    crm: tuple[CrmStandIns, str],
    seeds_site: SeedsSite,
) -> Iterator[Stack]:
    """API and worker processes over the backend's database; live keys research the sandbox,
    and the recipe's seed list is reachable at its own name over HTTPS."""
    env = {**sandbox_env("127.0.0.1", live_web_port), **CrmStandIns.env(crm[1])}
    env["LEADEX_FETCH_HOST_RULES"] += f", {seeds_site.host_rule}"
    env["LEADEX_FETCH_CA_FILE"] = str(seeds_site.ca_file)
    with running_test_stack(
        backend,
        database_url,
        temporal.address,
        f"leadex-{backend}",
        work_dir,
        extra_env=env,
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
