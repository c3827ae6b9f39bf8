"""Artifact formats: the CSV and XLSX (one row per company, a group of columns per requested
role), and the JSON lead list."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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
TRAILING_COLUMNS = ["confidence", "source_urls"]  # of a lead's own row (summary coverage)


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


COUNTRY_COLUMN = "country"
MATCHED_COLUMN = "matched_criteria"
CONTACTS_COLUMN = "contacts"
SOURCES_COLUMN = "sources"


@dataclass(frozen=True)
class TableLead:
    """One published lead as the company table needs it: the public object, the role its
    person was found for, and the criteria its company was verified on."""

    lead: dict[str, Any]
    role: str | None
    evidence: Sequence[str] = ()


@dataclass
class _Company:
    company: dict[str, Any]
    fields: dict[str, Any]
    confidence: float
    people: dict[str, list[TableLead]]
    evidence: list[str]
    sources: list[str]
    first: int


def _company_key(lead: dict[str, Any]) -> str:
    company = lead.get("company") or {}
    return str(company.get("domain") or company.get("name") or lead.get("id")).lower()


def _gather(entries: Sequence[TableLead], roles: Sequence[str]) -> list[_Company]:
    companies: dict[str, _Company] = {}
    for index, entry in enumerate(entries):
        lead = entry.lead
        key = _company_key(lead)
        company = companies.get(key)
        if company is None:
            company = companies[key] = _Company(
                company=dict(lead.get("company") or {}),
                fields={},
                confidence=0.0,
                people={role: [] for role in roles},
                evidence=[],
                sources=[],
                first=index,
            )
        for name, value in (lead.get("company") or {}).items():
            if value is not None and company.company.get(name) is None:
                company.company[name] = value
        for name, value in (lead.get("fields") or {}).items():
            if not name.startswith("person_") and company.fields.get(name) is None:
                company.fields[name] = value
        company.confidence = max(company.confidence, float(lead.get("confidence") or 0.0))
        company.evidence += [item for item in entry.evidence if item not in company.evidence]
        company.sources += [
            source["url"]
            for source in lead.get("sources", [])
            if source["url"] not in company.sources
        ]
        if lead.get("person") and entry.role in company.people:
            company.people[entry.role].append(entry)
    return list(companies.values())


CONTACT_TIERS = ("complete", "partial", "none")


def _rank(company: _Company, roles: Sequence[str]) -> tuple[int, float, int]:
    tier = CONTACT_TIERS.index(_contacts(company, roles))
    return (tier, -company.confidence, company.first)


def _contacts(company: _Company, roles: Sequence[str]) -> str:
    found = sum(1 for role in roles if company.people[role])
    if not roles or found == len(roles):
        return "complete"
    return "partial" if found else "none"


def company_table(
    entries: Sequence[TableLead], columns: Sequence[str], roles: Sequence[str]
) -> tuple[list[str], list[list[Any]]]:
    """The artifact's table: one row per company, ranked (companies with every requested
    person first, then those with some, then those with none; by confidence within each).
    Columns: the plan's company columns, ``country`` and the criteria that matched; a group
    of columns per requested role (further people for a role in numbered groups:
    ``vp_eng_2_name``…); then ``contacts`` (complete, partial or none), ``confidence`` and
    ``sources``."""
    role_columns = {
        role: [c.removeprefix(f"{role}_") for c in columns if c.startswith(f"{role}_")]
        for role in roles
    }
    claimed = {f"{role}_{suffix}" for role, suffixes in role_columns.items() for suffix in suffixes}
    company_columns = [c for c in columns if c not in claimed and c not in TRAILING_COLUMNS]
    companies = sorted(_gather(entries, roles), key=lambda company: _rank(company, roles))
    depth = {
        role: max([len(company.people[role]) for company in companies] + [1]) for role in roles
    }
    header = [*company_columns, COUNTRY_COLUMN, MATCHED_COLUMN]
    for role in roles:
        for number in range(1, depth[role] + 1):
            group = role if number == 1 else f"{role}_{number}"
            header += [f"{group}_{suffix}" for suffix in role_columns[role]]
    header += [CONTACTS_COLUMN, "confidence", SOURCES_COLUMN]
    rows: list[list[Any]] = []
    for company in companies:
        lead = {"company": company.company, "fields": company.fields, "sources": []}
        row = lead_row(lead, None, company_columns)
        row += [
            _cell(company.fields.get("hq_country") or company.fields.get("country")),
            _cell(company.evidence),
        ]
        for role in roles:
            people = company.people[role]
            for number in range(depth[role]):
                person = people[number].lead if number < len(people) else {}
                named = [f"{role}_{suffix}" for suffix in role_columns[role]]
                row += lead_row(person, role, named) if person else [""] * len(named)
        row += [_contacts(company, roles), round(company.confidence, 4), _cell(company.sources)]
        rows.append(row)
    return header, rows


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
    link = workbook.add_format({"font_color": "blue", "underline": 1})
    sheet.write_row(0, 0, list(columns), bold)
    widths = [len(str(column)) for column in columns]
    for index, row in enumerate(rows, start=1):
        for position, value in enumerate(row):
            cell = _cell(value)
            text = str(cell)
            target = _link_target(text)
            if target is not None and len(target) <= MAX_XLSX_URL:
                sheet.write_url(index, position, target, link, string=text)
            else:
                sheet.write(index, position, cell)
            if position < len(widths):
                widths[position] = max(widths[position], min(len(text), MAX_COLUMN_WIDTH))
    for position, width in enumerate(widths):
        sheet.set_column(position, position, width + 2)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


MAX_COLUMN_WIDTH = 60
MAX_XLSX_URL = 2000  # Excel's limit is 2,079 characters


def _link_target(text: str) -> str | None:
    """A clickable target for a cell holding one web address or one email address."""
    if " " in text or ";" in text:
        return None
    if text.startswith(("https://", "http://")):
        return text
    if "@" in text and "." in text.rsplit("@", 1)[-1] and not text.startswith(("=", "+", "-")):
        return f"mailto:{text}"
    return None
