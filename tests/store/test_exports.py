"""Artifact formats: CSV safety, XLSX fidelity, row flattening."""

from __future__ import annotations

import io
from typing import Any

import openpyxl

from store.exports import artifact_columns, lead_row, parse_csv, render_csv, render_xlsx

HOSTILE = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "|cmd", "%0A"]


def test_formula_cells_are_neutralized_in_csv() -> None:
    data = render_csv(["a", "b"], [[value, "-12.5"] for value in HOSTILE])
    header, rows = parse_csv(data)
    assert header == ["a", "b"]
    for row, original in zip(rows, HOSTILE, strict=True):
        assert row[0].startswith("'"), row
        assert row[0].lstrip("'").replace("\\|", "|") == original
        assert row[1] == "-12.5"  # plain negative numbers stay numbers
    assert data.startswith("\ufeff".encode())


def test_xlsx_has_the_same_rows_and_no_formulas() -> None:
    rows: list[list[object]] = [["Acme", "=1+2", 42], ["Beta", "plain", None]]
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(["name", "note", "n"], rows)))
    sheet = workbook.active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("name", "note", "n")
    assert values[1] == ("Acme", "=1+2", 42)
    assert values[2][:2] == ("Beta", "plain")
    assert sheet["B2"].data_type == "s"  # a string, never a formula


def test_leads_flatten_into_the_plan_columns() -> None:
    steps: list[dict[str, Any]] = [
        {"expected_columns": ["company_name", "domain", "funding_amount"]},
        {"expected_columns": ["vp_eng_name", "vp_eng_email", "vp_eng_linkedin"]},
        {"expected_columns": []},
    ]
    columns = artifact_columns(steps)
    assert columns[-2:] == ["confidence", "source_urls"]
    lead = {
        "company": {"name": "Acme", "domain": "acme.test", "linkedin": None, "hq_city": "Paris"},
        "person": {"full_name": "Jane Doe", "title": "VP Engineering", "email": "jane@acme.test"},
        "fields": {"funding_amount": "€11M", "person_linkedin": "https://www.linkedin.com/in/jd"},
        "sources": [{"url": "https://acme.test/team"}, {"url": "https://acme.test/"}],
        "confidence": 0.9,
    }
    row = dict(zip(columns, lead_row(lead, "vp_eng", columns), strict=True))
    assert row == {
        "company_name": "Acme",
        "domain": "acme.test",
        "funding_amount": "€11M",
        "vp_eng_name": "Jane Doe",
        "vp_eng_email": "jane@acme.test",
        "vp_eng_linkedin": "https://www.linkedin.com/in/jd",
        "confidence": 0.9,
        "source_urls": "https://acme.test/team; https://acme.test/",
    }
    company_only = dict(
        zip(columns, lead_row({**lead, "person": None}, None, columns), strict=True)
    )
    assert company_only["vp_eng_name"] == ""
