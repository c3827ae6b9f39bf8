"""A client generated from the committed openapi.yaml (as community SDKs are) imports, names
its operations cleanly and runs the quickstart against the server."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.flows import QUICKSTART
from tests.support.stack import Keys, Stack

DOCUMENT = Path(__file__).parent.parent.parent / "openapi.yaml"


def _generate(tmp_path: Path) -> Any:
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(DOCUMENT),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / "generated_leadex"),
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
        cwd=tmp_path,
        timeout=300,
    )
    sys.path.insert(0, str(tmp_path))
    return importlib.import_module("generated_leadex")


@pytest.mark.backends("sqlite")
def test_a_generated_client_runs_the_quickstart(stack: Stack, org: Keys, tmp_path: Path) -> None:
    package = _generate(tmp_path)
    api = importlib.import_module("generated_leadex.api")
    folder = Path(str(api.__file__)).parent
    modules = {path.stem for path in folder.rglob("*.py") if path.stem != "__init__"}
    assert {"threads_create", "messages_create", "jobs_approve", "jobs_retrieve"} <= modules
    assert not any("_v1_" in name for name in modules)  # no FastAPI default names

    threads_create = importlib.import_module("generated_leadex.api.threads.threads_create")
    messages_create = importlib.import_module("generated_leadex.api.messages.messages_create")
    jobs_approve = importlib.import_module("generated_leadex.api.jobs.jobs_approve")
    jobs_retrieve = importlib.import_module("generated_leadex.api.jobs.jobs_retrieve")
    jobs_leads = importlib.import_module("generated_leadex.api.jobs.jobs_leads")
    models = importlib.import_module("generated_leadex.models")

    client = package.AuthenticatedClient(base_url=stack.base_url, token=org.test)
    with client:
        thread = threads_create.sync(
            client=client, body=models.ThreadCreate(title="Series A FinTech in EU")
        )
        assert isinstance(thread, models.ThreadObject) and thread.id.startswith("thr_")
        drafted = messages_create.sync(
            thread.id, client=client, body=models.MessageCreate(content=QUICKSTART)
        )
        assert isinstance(drafted, models.MessageCreateResponse)
        job_id = drafted.job.id
        approved = jobs_approve.sync(job_id, client=client, body=models.ApproveRequest())
        assert isinstance(approved, models.JobObject) and approved.status == "running"
        deadline = time.monotonic() + 120
        job = approved
        while job.status not in ("succeeded", "failed", "stopped"):
            assert time.monotonic() < deadline, "the job did not finish"
            time.sleep(0.5)
            job = jobs_retrieve.sync(job_id, client=client)
        assert job.status == "succeeded"
        leads = jobs_leads.sync(job_id, client=client, limit=100)
    assert leads is not None and len(leads.data) == drafted.plan.target_rows
    assert all(lead.company.domain for lead in leads.data)
