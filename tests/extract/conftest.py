"""The sandbox webs of both seeds, extracted once per session."""

from __future__ import annotations

import pytest

from tests.extract.scoring import SEEDS, ExtractedWeb, extract_web


@pytest.fixture(scope="session", params=SEEDS, ids=[f"seed{seed}" for seed in SEEDS])
def extracted(request: pytest.FixtureRequest) -> ExtractedWeb:
    """Every readable page of a sandbox web, extracted, with the web's truth."""
    return extract_web(int(request.param))
