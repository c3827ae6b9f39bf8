"""The Node SDK (sdk/node): built, type-checked, packed, and its Node test files run with
Node's built-in test runner against the running stack, each file with organizations of its own."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.files import SeedsSite
from tests.support.stack import Keys, Stack

pytestmark = pytest.mark.backends("sqlite")  # the SDK speaks HTTP; the database is not its concern

NODE_SDK = Path(__file__).resolve().parents[2] / "sdk" / "node"
NODE_TESTS = sorted((NODE_SDK / "test").glob("*.test.mjs"))
# Organizations each Node test file may use (`org(0)`, `org(1)`, …), minted fresh per file.
ORGS_PER_FILE = 3


def _npm(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    npm = shutil.which("npm")
    assert npm, "npm is missing: scripts/test installs Node and npm (apt-get install nodejs npm)"
    return subprocess.run(
        [npm, *args], cwd=NODE_SDK, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="session")
def node_sdk() -> Path:
    """sdk/node built from its sources (dist/ with ESM, CJS and declarations)."""
    assert (NODE_SDK / "node_modules").is_dir(), "run scripts/test (it runs npm ci in sdk/node)"
    built = _npm("run", "build")
    assert built.returncode == 0, built.stdout + built.stderr
    return NODE_SDK


def test_the_sources_type_check_against_the_generated_types(node_sdk: Path) -> None:
    checked = _npm("run", "typecheck")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_package_ships_esm_cjs_and_declarations_only(node_sdk: Path) -> None:
    packed = _npm("pack", "--dry-run", "--json")
    assert packed.returncode == 0, packed.stderr
    files = {entry["path"] for entry in json.loads(packed.stdout)[0]["files"]}
    assert {"dist/index.js", "dist/index.cjs", "dist/index.d.ts", "dist/index.d.cts"} <= files
    assert {"package.json", "README.md"} <= files
    assert not any(path.startswith(("src/", "test/", "node_modules/")) for path in files)
    manifest = json.loads((node_sdk / "package.json").read_text())
    assert manifest["name"] == "@leadex/sdk"
    assert not manifest.get("dependencies"), "the SDK has no runtime dependencies"
    assert manifest["engines"]["node"] == ">=20"


@pytest.mark.parametrize("test_file", NODE_TESTS, ids=lambda path: path.name)
async def test_node_test_file(
    node_sdk: Path,
    stack: Stack,
    org: Keys,
    seeds_site: SeedsSite,
    test_file: Path,
    tmp_path: Path,
) -> None:
    orgs = [org, *[await stack.new_org() for _ in range(ORGS_PER_FILE - 1)]]
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("LEADEX_", "NODE_"))
    }
    env.update(
        LEADEX_BASE_URL=stack.base_url,
        LEADEX_API_KEY=org.test,
        LEADEX_TEST_ORGS=json.dumps(
            [{"test": o.test, "live": o.live, "read_only": o.read_only} for o in orgs]
        ),
        LEADEX_TEST_TMP=str(tmp_path),
        # What the stack serves at the enrichment recipe's https://ops.example.com/seeds.csv.
        LEADEX_TEST_SEEDS_CSV=seeds_site.csv,
    )
    node = shutil.which("node")
    assert node, "node is missing"
    result = subprocess.run(
        [node, "--test", "--test-reporter=spec", str(test_file)],
        cwd=node_sdk,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "ℹ fail 0" in report, report
    assert "ℹ pass 0" not in report, report
    assert "ℹ skipped 0" in report and "ℹ todo 0" in report, report
