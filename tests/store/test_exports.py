"""Artifact formats: CSV safety, XLSX fidelity, row flattening."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import openpyxl

from store.exports import (
    TableLead,
    artifact_columns,
    company_table,
    lead_row,
    parse_csv,
    render_csv,
    render_xlsx,
)

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


def _lead(domain: str, person: str | None, confidence: float, **fields: Any) -> dict[str, Any]:
    return {
        "company": {"name": domain.split(".")[0].title(), "domain": domain, "hq_city": "Paris"},
        "person": None
        if person is None
        else {"full_name": person, "title": "VP", "email": f"{person.lower()}@{domain}"},
        "fields": {"hq_country": "FR", **fields},
        "sources": [{"url": f"https://{domain}/team"}],
        "confidence": confidence,
    }


def test_the_company_table_has_one_row_per_company_ranked_by_what_was_asked() -> None:
    columns = artifact_columns(
        [
            {"expected_columns": ["company_name", "domain", "funding_amount"]},
            {"expected_columns": ["vp_eng_name", "vp_eng_email"]},
            {"expected_columns": ["head_of_growth_name", "head_of_growth_email"]},
        ]
    )
    entries = [
        # A company with no requested person, but the best confidence: ranked last.
        TableLead(_lead("solo.test", None, 0.99), None, ["industry=fintech"]),
        # Only one of the two roles.
        TableLead(_lead("half.test", "Ann", 0.95), "vp_eng"),
        # Both roles, and a second VP of Engineering.
        TableLead(_lead("full.test", "Bob", 0.7, funding_amount="€8M"), "vp_eng", ["stage=a"]),
        TableLead(_lead("full.test", "Cy", 0.8), "head_of_growth", ["stage=a"]),
        TableLead(_lead("full.test", "Dee", 0.6), "vp_eng", ["stage=a"]),
    ]
    header, rows = company_table(entries, columns, ["vp_eng", "head_of_growth"])
    assert header == [
        "company_name",
        "domain",
        "funding_amount",
        "country",
        "matched_criteria",
        "vp_eng_name",
        "vp_eng_email",
        "vp_eng_2_name",
        "vp_eng_2_email",
        "head_of_growth_name",
        "head_of_growth_email",
        "contacts",
        "confidence",
        "sources",
    ]
    table = [dict(zip(header, row, strict=True)) for row in rows]
    assert [row["domain"] for row in table] == ["full.test", "half.test", "solo.test"]
    full, half, solo = table
    assert (full["vp_eng_name"], full["vp_eng_2_name"], full["head_of_growth_name"]) == (
        "Bob",
        "Dee",
        "Cy",
    )
    assert full["funding_amount"] == "€8M" and full["matched_criteria"] == "stage=a"
    assert full["contacts"] == "complete" and full["confidence"] == 0.8
    assert half["contacts"] == "partial" and half["head_of_growth_name"] == ""
    assert solo["contacts"] == "none" and solo["vp_eng_name"] == ""
    assert solo["country"] == "FR" and solo["sources"] == "https://solo.test/team"


def test_the_xlsx_links_addresses_and_sizes_its_columns() -> None:
    header = ["company_name", "vp_eng_email", "sources"]
    rows: list[list[object]] = [
        ["Acme", "jane@acme.test", "https://acme.test/team"],
        ["=cmd|' /C calc'!A0", "not an address", "https://a.test/; https://b.test/"],
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(header, rows))).active
    assert sheet is not None
    assert sheet.freeze_panes == "A2"
    assert sheet["B2"].hyperlink.target == "mailto:jane@acme.test"
    assert sheet["C2"].hyperlink.target == "https://acme.test/team"
    assert sheet["A3"].hyperlink is None and sheet["A3"].data_type == "s"
    assert sheet["C3"].hyperlink is None  # several addresses stay text
    assert sheet.column_dimensions["C"].width >= len("https://a.test/; https://b.test/")


GOLDEN = Path(__file__).parent.parent / "fixtures" / "exports"


def _fixed_job_table() -> tuple[list[str], list[list[Any]]]:
    """The table of a fixed test-mode job: three companies, complete, partial and none."""
    columns = artifact_columns(
        [
            {"expected_columns": ["company_name", "domain", "hq_city", "funding_amount"]},
            {"expected_columns": ["vp_eng_name", "vp_eng_title", "vp_eng_email"]},
            {"expected_columns": ["head_of_growth_name", "head_of_growth_email"]},
        ]
    )
    entries = [
        TableLead(_lead("solo.example", None, 0.97), None, ["stage=series_a"]),
        TableLead(_lead("half.example", "Ann", 0.91), "vp_eng", ["stage=series_a"]),
        TableLead(_lead("full.example", "Bob", 0.74, funding_amount="€8M"), "vp_eng"),
        TableLead(_lead("full.example", "Cy", 0.82), "head_of_growth"),
        TableLead(_lead("full.example", "Dee", 0.61), "vp_eng"),
    ]
    return company_table(entries, columns, ["vp_eng", "head_of_growth"])


def test_the_artifact_files_match_their_golden_copies() -> None:
    """Byte for byte for the CSV, cell for cell for the XLSX (set LEADEX_RECORD_GOLDEN=1 to
    rewrite them after an intended change, and review the diff)."""
    header, rows = _fixed_job_table()
    csv_bytes = render_csv(header, rows)
    golden = GOLDEN / "company_table.csv"
    if os.environ.get("LEADEX_RECORD_GOLDEN") == "1":
        golden.write_bytes(csv_bytes)
    assert csv_bytes == golden.read_bytes()

    golden_header, golden_rows = parse_csv(golden.read_bytes())
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(header, rows))).active
    assert sheet is not None
    cells = [
        ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert cells == [golden_header, *golden_rows]
    assert sheet.freeze_panes == "A2"
    contacts = [row[golden_header.index("contacts")] for row in golden_rows]
    assert contacts == ["complete", "partial", "none"]
