"""Artifact formats: the CSV (one row per lead), the JSON lead list and XLSX."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter
from defusedcsv import csv as safe_csv

COMPANY_COLUMNS = {
    "company_name": "name",
    "domain": "domain",
    "hq_city": "hq_city",
    "linkedin": "linkedin",
}
PERSON_SUFFIXES = {"name": "full_name", "title": "title", "email": "email"}
TRAILING_COLUMNS = ["confidence", "source_urls"]


def artifact_columns(steps: Sequence[dict[str, Any]]) -> list[str]:
    """The plan's columns in first-seen order, then confidence and sources."""
    columns: list[str] = []
    for step in steps:
        for column in step.get("expected_columns", []):
            if column not in columns:
                columns.append(column)
    return columns + [column for column in TRAILING_COLUMNS if column not in columns]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "; ".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def lead_row(lead: dict[str, Any], role: str | None, columns: Sequence[str]) -> list[Any]:
    """Flatten a public lead into the artifact's columns."""
    company = lead.get("company") or {}
    person = lead.get("person") or {}
    fields = lead.get("fields") or {}
    row: list[Any] = []
    for column in columns:
        if column in COMPANY_COLUMNS:
            value = company.get(COMPANY_COLUMNS[column])
        elif column == "confidence":
            value = lead.get("confidence")
        elif column == "source_urls":
            value = [source["url"] for source in lead.get("sources", [])]
        elif role and column.startswith(f"{role}_"):
            suffix = column.removeprefix(f"{role}_")
            value = (
                person.get(PERSON_SUFFIXES[suffix])
                if suffix in PERSON_SUFFIXES
                else fields.get(f"person_{suffix}")
            )
        else:
            value = fields.get(column)
        row.append(_cell(value))
    return row


def _neutralize(value: Any) -> Any:
    # defusedcsv covers = + - @ | %; spreadsheet apps also execute cells led by tab or CR.
    if isinstance(value, str) and value[:1] in ("\t", "\r"):
        return "'" + value
    return value


def render_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV (with BOM so spreadsheet apps detect it), formula cells neutralized."""
    buffer = io.StringIO()
    writer = safe_csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_neutralize(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def parse_csv(data: bytes) -> tuple[list[str], list[list[str]]]:
    """Read back an artifact CSV: its header and rows."""
    import csv

    reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    rows = list(reader)
    return (rows[0] if rows else []), rows[1:]


def render_json(leads: Sequence[dict[str, Any]]) -> bytes:
    """The JSON lead list."""
    return json.dumps({"object": "list", "data": list(leads)}, ensure_ascii=False).encode("utf-8")


def render_xlsx(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """An XLSX workbook with the same rows as the CSV; strings are never formulas."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    sheet = workbook.add_worksheet("leads")
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, list(columns), bold)
    for index, row in enumerate(rows, start=1):
        sheet.write_row(index, 0, [_cell(value) for value in row])
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()
