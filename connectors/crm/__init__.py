"""The CRM adapters, by provider slug, and how a lead becomes their records."""

from __future__ import annotations

from typing import Any

from connectors.crm.attio import AttioAdapter
from connectors.crm.base import CrmAdapter, Record
from connectors.crm.close import CloseAdapter
from connectors.crm.copper import CopperAdapter
from connectors.crm.google_sheets import GoogleSheetsAdapter
from connectors.crm.hubspot import HubSpotAdapter
from connectors.crm.pipedrive import PipedriveAdapter
from connectors.crm.salesforce import SalesforceAdapter
from connectors.crm.zoho import ZohoAdapter

PROVIDERS: dict[str, type[CrmAdapter]] = {
    adapter.slug: adapter
    for adapter in (
        HubSpotAdapter,
        SalesforceAdapter,
        PipedriveAdapter,
        AttioAdapter,
        CloseAdapter,
        ZohoAdapter,
        CopperAdapter,
        GoogleSheetsAdapter,
    )
}

# The spec's providers, in its order.
SPEC_PROVIDERS = (
    "hubspot",
    "salesforce",
    "pipedrive",
    "attio",
    "close",
    "zoho",
    "copper",
    "google_sheets",
)
MAPPING_ROOTS = ("company.", "person.", "fields.")


def lead_value(lead: dict[str, Any], path: str) -> Any:
    """The value at ``company.name``, ``person.email``, ``fields.x`` or ``confidence``."""
    if path == "confidence":
        return lead.get("confidence")
    root, _, name = path.partition(".")
    part = lead.get(root)
    return part.get(name) if isinstance(part, dict) else None


def records_for(
    adapter: CrmAdapter, lead: dict[str, Any], mode: str, mapping: dict[str, str]
) -> tuple[Record | None, Record | None]:
    """The company and contact records a lead gives in this mode (None where it gives none)."""
    company_record: Record | None = None
    contact_record: Record | None = None
    company = lead.get("company") or {}
    person = lead.get("person") or None
    if mode in ("companies", "both") and (company.get("domain") or company.get("name")):
        properties = adapter.company_properties(lead)
        _apply(properties, lead, mapping, ("company.", "fields."))
        domain = (company.get("domain") or "").lower() or None
        name = str(company.get("name") or "")
        by_name = adapter.company_match_field == "name"
        company_record = Record(
            kind="company",
            key=f"domain:{domain}" if domain else f"name:{name.lower()}",
            match_field=adapter.company_match_field if (by_name and name) or domain else None,
            match_value=(name or None) if by_name else domain,
            properties=properties,
        )
    if mode in ("contacts", "both") and person:
        properties = adapter.contact_properties(lead)
        _apply(properties, lead, mapping, (*MAPPING_ROOTS, "confidence"))
        email = (person.get("email") or "").lower() or None
        key = (
            f"email:{email}"
            if email
            else f"person:{(person.get('full_name') or '').lower()}|{company.get('domain') or ''}"
        )
        contact_record = Record(
            kind="contact",
            key=key,
            match_field=adapter.contact_match_field if email else None,
            match_value=email,
            properties=properties,
        )
    return company_record, contact_record


def _apply(
    properties: dict[str, Any],
    lead: dict[str, Any],
    mapping: dict[str, str],
    roots: tuple[str, ...],
) -> None:
    for source, target in mapping.items():
        if not source.startswith(roots) and source not in roots:
            continue
        value = lead_value(lead, source)
        if value not in (None, ""):
            properties[target] = value
