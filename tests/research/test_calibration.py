"""Confidence rests on the reader's measured reliability, and the measurement is current."""

from __future__ import annotations

import json

from bench.extract.calibrate import CALIBRATION, calibrate
from bench.extract.corpus import load
from research import confidence


def test_the_calibration_the_engine_uses_is_the_readers_current_one() -> None:
    measured = calibrate(load("dev"))

    assert json.loads(CALIBRATION.read_text()) == measured, (
        "the reader changed: run `python -m bench.extract.calibrate --write`"
    )
    assert measured["measured_on"].endswith(f"{len(load('dev'))} pages")
    assert measured["all"]["reliability"] == confidence.OWN_PAGE
    assert confidence.THIRD_PARTY_PAGE < confidence.OWN_PAGE
