"""Google Sheets: API v4 on a spreadsheet made for the connection (Google OAuth 2.0 with the
drive.file scope: the app sees only what it made). Its "Contacts" and "Companies" sheets
hold a row per record, the first column the match key (email, domain); a list is another
sheet of the spreadsheet holding copies of its contacts' rows."""

from __future__ import annotations

import re
from typing import Any, ClassVar
from urllib.parse import quote

from connectors.crm.base import CrmAdapter, ProviderError, Record, lead_company, lead_person, pick

CONTACTS = "Contacts"
COMPANIES = "Companies"
CONTACT_COLUMNS = (
    "email",
    "full_name",
    "first_name",
    "last_name",
    "title",
    "phone",
    "linkedin",
    "company",
    "domain",
)
COMPANY_COLUMNS = ("domain", "name", "city", "country", "linkedin")
SPREADSHEET_TITLE = "Leadex leads"
UPDATED_ROW = re.compile(r"![A-Z]+(\d+)")


def a1(sheet: str, cells: str) -> str:
    """An A1 range on a sheet, its title quoted."""
    return "'" + sheet.replace("'", "''") + "'!" + cells


class GoogleSheetsAdapter(CrmAdapter):
    """developers.google.com/sheets/api/reference/rest."""

    slug = "google_sheets"
    authorize_endpoint = "https://accounts.google.com/o/oauth2/v2/auth"
    token_endpoint = "https://oauth2.googleapis.com/token"  # noqa: S105
    api_base = "https://sheets.googleapis.com/v4"
    scopes = ("https://www.googleapis.com/auth/drive.file",)
    # A refresh token is issued for offline access, and again only with consent.
    authorize_params: ClassVar[dict[str, str]] = {
        "access_type": "offline",
        "prompt": "consent",
        "include_granted_scopes": "true",
    }
    # Google's 429 names no wait; its documented backoff starts near a second or two.
    fallback_retry_after: ClassVar[float] = 2.0
    company_match_field: ClassVar[str] = "domain"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._headers: dict[str, list[str]] = {}

    # The spreadsheet ----------------------------------------------------------------------

    async def fetch_account_id(self) -> str | None:
        """Make the connection's spreadsheet; its id is the account id."""
        body = await self.call(
            "POST",
            self.api("/spreadsheets"),
            json={
                "properties": {"title": SPREADSHEET_TITLE},
                "sheets": [
                    {"properties": {"title": CONTACTS}},
                    {"properties": {"title": COMPANIES}},
                ],
            },
        )
        return str(body["spreadsheetId"])

    def _spreadsheet(self, suffix: str = "") -> str:
        if not self.account_id:
            raise ProviderError(self.slug, 400, "the connection names no spreadsheet")
        return self.api(f"/spreadsheets/{self.account_id}{suffix}")

    def _values(self, cells: str, suffix: str = "") -> str:
        return self._spreadsheet(f"/values/{quote(cells, safe='')}{suffix}")

    async def _read(self, cells: str) -> list[list[Any]]:
        body = await self.call("GET", self._values(cells))
        return list((body or {}).get("values") or [])

    @staticmethod
    def _sheet(kind: str) -> str:
        return CONTACTS if kind == "contact" else COMPANIES

    async def _header(self, sheet: str, columns: list[str]) -> list[str]:
        """The sheet's header row, extended (and written) to hold every column given."""
        header = self._headers.get(sheet)
        if header is None:
            rows = await self._read(a1(sheet, "1:1"))
            header = [str(cell) for cell in rows[0]] if rows else []
        wanted = header + [column for column in columns if column not in header]
        if wanted != header or not header:
            await self.call(
                "PUT",
                self._values(a1(sheet, "A1"), "?valueInputOption=RAW"),
                json={"values": [wanted]},
            )
        self._headers[sheet] = wanted
        return wanted

    def _columns(self, kind: str, record: Record | None = None) -> list[str]:
        base = list(CONTACT_COLUMNS if kind == "contact" else COMPANY_COLUMNS)
        extra = [key for key in (record.properties if record else {}) if key not in base]
        return base + extra

    # Records ------------------------------------------------------------------------------

    async def find(self, record: Record) -> str | None:
        """The first row whose key column (A) is the email or domain."""
        if not record.match_value:
            return None
        sheet = self._sheet(record.kind)
        wanted = record.match_value.casefold()
        for offset, row in enumerate(await self._read(a1(sheet, "A2:A"))):
            if row and str(row[0]).strip().casefold() == wanted:
                return f"{sheet}!{offset + 2}"
        return None

    async def create(self, record: Record) -> str:
        """values.append one row after the sheet's table."""
        sheet = self._sheet(record.kind)
        header = await self._header(sheet, self._columns(record.kind, record))
        body = await self.call(
            "POST",
            self._values(
                a1(sheet, "A1"), ":append?valueInputOption=RAW&insertDataOption=INSERT_ROWS"
            ),
            json={"values": [[_cell(record.properties.get(column)) for column in header]]},
        )
        written = str(((body or {}).get("updates") or {}).get("updatedRange") or "")
        found = UPDATED_ROW.search(written.replace("$", ""))
        if not found:
            raise ProviderError(self.slug, 502, f"append answered no row: {written!r}")
        return f"{sheet}!{found.group(1)}"

    async def update(self, remote_id: str, record: Record) -> None:
        """Rewrite the row with the new values over the old (an empty value keeps the cell)."""
        sheet, _, row_number = remote_id.rpartition("!")
        header = await self._header(sheet, self._columns(record.kind, record))
        rows = await self._read(a1(sheet, f"{row_number}:{row_number}"))
        current = [str(cell) for cell in rows[0]] if rows else []
        if record.match_value and (
            not current or current[0].strip().casefold() != record.match_value.casefold()
        ):
            # Rows were sorted, deleted or the spreadsheet replaced: match again.
            raise ProviderError(self.slug, 404, f"row {remote_id} no longer holds this record")
        merged = [
            _cell(record.properties.get(column)) or (current[index] if index < len(current) else "")
            for index, column in enumerate(header)
        ]
        await self.call(
            "PUT",
            self._values(a1(sheet, f"A{row_number}"), "?valueInputOption=RAW"),
            json={"values": [merged]},
        )

    # Lists --------------------------------------------------------------------------------

    async def create_list(self, name: str) -> str:
        """A new sheet (tab); its sheetId is the list id."""
        body = await self.call(
            "POST",
            self._spreadsheet(":batchUpdate"),
            json={"requests": [{"addSheet": {"properties": {"title": name}}}]},
        )
        return str(body["replies"][0]["addSheet"]["properties"]["sheetId"])

    async def _sheet_title(self, sheet_id: str) -> str:
        body = await self.call(
            "GET", self._spreadsheet(), params={"fields": "sheets.properties(sheetId,title)"}
        )
        for sheet in (body or {}).get("sheets") or []:
            properties = sheet.get("properties") or {}
            if str(properties.get("sheetId")) == sheet_id:
                return str(properties["title"])
        raise ProviderError(self.slug, 404, f"No sheet with id {sheet_id} in the spreadsheet.")

    async def add_to_list(self, list_id: str, kind: str, remote_ids: list[str]) -> None:
        """Copy the contacts' rows onto the list's sheet, those not there yet."""
        if kind != "contact" or not remote_ids:
            return
        title = await self._sheet_title(list_id)
        contacts = await self._read(a1(CONTACTS, "A1:ZZ"))
        header = [str(cell) for cell in contacts[0]] if contacts else list(CONTACT_COLUMNS)
        present = await self._read(a1(title, "A1:A"))
        if not present:
            await self.call(
                "PUT",
                self._values(a1(title, "A1"), "?valueInputOption=RAW"),
                json={"values": [header]},
            )
        listed = {str(row[0]).casefold() for row in present[1:] if row}
        rows: list[list[Any]] = []
        for remote_id in remote_ids:
            index = int(remote_id.rpartition("!")[2]) - 1
            if 0 < index < len(contacts) and contacts[index]:
                key = str(contacts[index][0]).casefold()
                if key not in listed:
                    rows.append(contacts[index])
                    listed.add(key)
        if rows:
            await self.call(
                "POST",
                self._values(
                    a1(title, "A1"), ":append?valueInputOption=RAW&insertDataOption=INSERT_ROWS"
                ),
                json={"values": rows},
            )

    def list_url(self, list_id: str) -> str | None:
        """The list's sheet in the spreadsheet."""
        if not self.account_id:
            return None
        return f"https://docs.google.com/spreadsheets/d/{self.account_id}/edit#gid={list_id}"

    # Mapping ------------------------------------------------------------------------------

    def contact_properties(self, lead: dict[str, Any]) -> dict[str, Any]:
        """A contact row (its columns are the neutral names)."""
        return pick(lead_person(lead), {column: column for column in CONTACT_COLUMNS})

    def company_properties(self, lead: dict[str, Any]) -> dict[str, Any]:
        """A company row."""
        return pick(lead_company(lead), {column: column for column in COMPANY_COLUMNS})


def _cell(value: Any) -> str:
    """A value as a cell's text (RAW input: never parsed as a formula)."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)
