"""Where the regional CRMs send tokens: only to their own hosts, whatever a token answer or a
callback claims (a client secret or a token sent elsewhere would leak)."""

from __future__ import annotations

import httpx

from connectors.crm.salesforce import SalesforceAdapter, instance_url
from connectors.crm.zoho import ZohoAdapter, api_domain


def zoho(account_id: str | None = None) -> ZohoAdapter:
    """A Zoho adapter on the public hosts (no request is made)."""
    return ZohoAdapter(httpx.AsyncClient(), account_id=account_id)


def test_zoho_trades_a_code_at_the_accounts_server_that_issued_it() -> None:
    europe = zoho()
    europe.issuing_server("https://accounts.zoho.eu")
    assert europe.token_url() == "https://accounts.zoho.eu/oauth/v2/token"
    for forged in (
        "https://evil.example",
        "http://accounts.zoho.eu",
        "https://accounts.zoho.eu.evil.example",
    ):
        adapter = zoho()
        adapter.issuing_server(forged)
        assert adapter.token_url() == "https://accounts.zoho.com/oauth/v2/token", forged


def test_zoho_refreshes_and_calls_in_the_account_s_data_centre() -> None:
    assert zoho("https://www.zohoapis.in").token_url() == "https://accounts.zoho.in/oauth/v2/token"
    assert zoho("https://www.zohoapis.ca").token_url() == (
        "https://accounts.zohocloud.ca/oauth/v2/token"
    )
    assert zoho("https://www.zohoapis.eu").api("/Contacts") == (
        "https://www.zohoapis.eu/crm/v6/Contacts"
    )
    assert api_domain("https://www.zohoapis.evil.example.com") is None
    assert api_domain("http://www.zohoapis.eu") is None
    assert api_domain("https://zohoapis.attacker.example") is None


def test_salesforce_calls_only_a_salesforce_instance() -> None:
    assert instance_url("https://acme.my.salesforce.com/") == "https://acme.my.salesforce.com"
    assert instance_url("https://acme--dev.sandbox.my.salesforce.com") == (
        "https://acme--dev.sandbox.my.salesforce.com"
    )
    for forged in ("https://salesforce.com.evil.example", "http://acme.my.salesforce.com", None):
        assert instance_url(forged) is None, forged
    adapter = SalesforceAdapter(httpx.AsyncClient(), account_id="https://acme.my.salesforce.com")
    assert adapter.api("/query") == "https://acme.my.salesforce.com/services/data/v60.0/query"
