"""The server over real HTTP on loopback: hosts, redirects, robots, charsets, search."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sandbox import SandboxWeb
from sandbox.server import LoopbackTransport


@pytest.fixture(scope="module")
def client(port: int) -> Iterator[httpx.Client]:
    """A client whose requests to any *.test host land on the sandbox port."""
    with httpx.Client(transport=LoopbackTransport(port), timeout=10) as http:
        yield http


def company_with(truth: dict[str, Any], noise: str) -> dict[str, Any]:
    return next(c for c in truth["companies"] if noise in c["noise"])


def test_a_company_home_page(client: httpx.Client, truth: dict[str, Any]) -> None:
    company = truth["companies"][0]
    response = client.get(f"http://{company['primary_domain']}/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert company["name"] in response.text


def test_host_header_routing_with_a_port(port: int, truth: dict[str, Any]) -> None:
    company = truth["companies"][1]
    response = httpx.get(
        f"http://127.0.0.1:{port}/robots.txt",
        headers={"Host": f"{company['primary_domain']}:{port}"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "User-agent" in response.text


def test_alias_domains_redirect_to_the_primary(client: httpx.Client, truth: dict[str, Any]) -> None:
    company = company_with(truth, "alias_redirect")
    alias, primary = company["domains"][1], company["primary_domain"]
    response = client.get(f"http://{alias}/some/path?x=1")
    assert response.status_code == 301
    assert response.headers["location"] == f"http://{primary}/some/path?x=1"
    followed = client.get(f"http://{alias}/", follow_redirects=True)
    assert followed.status_code == 200
    assert str(followed.url) == f"http://{primary}/"
    assert followed.history[0].status_code == 301


def test_in_site_redirects(client: httpx.Client, truth: dict[str, Any]) -> None:
    redirect = next(r for r in truth["redirects"] if r["status"] == 302)
    response = client.get(redirect["from"])
    assert response.status_code == 302
    assert response.headers["location"] == redirect["to"]
    assert client.get(redirect["from"], follow_redirects=True).status_code == 200


def test_trailing_slash_and_missing_pages(client: httpx.Client, truth: dict[str, Any]) -> None:
    company = truth["companies"][0]
    about = next(url for url in company["pages"] if url.rstrip("/").count("/") == 3)
    assert client.get(f"{about}/").status_code == 301
    missing = client.get(f"http://{company['primary_domain']}/no-such-page")
    assert missing.status_code == 404
    assert client.get("http://nowhere.test/").status_code == 404


def test_robots_disallow_the_bait_but_the_page_is_served(
    client: httpx.Client, truth: dict[str, Any]
) -> None:
    entry = truth["forbidden"][0]
    host = entry["url"].split("/")[2]
    robots = client.get(f"http://{host}/robots.txt")
    assert "Disallow: /private/" in robots.text
    page = client.get(entry["url"])
    assert page.status_code == 200  # robots.txt is advice: only the crawler can obey it
    assert entry["values"][0] in page.text


def test_a_latin1_page_decodes_correctly(client: httpx.Client, web: SandboxWeb) -> None:
    page = next(
        p for p in web.pages.values() if p.charset != "utf-8" and p.is_html and not p.html.isascii()
    )
    response = client.get(page.url)
    assert response.headers["content-type"] == f"text/html; charset={page.charset}"
    assert response.encoding == page.charset
    assert response.text == page.html
    accented = next(ch for ch in page.html if not ch.isascii())
    assert accented.encode(page.charset) in response.content
    assert accented.encode("utf-8") not in response.content


def test_js_data_endpoint(client: httpx.Client, web: SandboxWeb) -> None:
    data = next(p for p in web.pages.values() if p.kind == "data")
    response = client.get(data.url)
    assert response.headers["content-type"] == "application/json"
    assert response.json() == json.loads(data.html)


def test_head_requests(client: httpx.Client, truth: dict[str, Any]) -> None:
    response = client.head(f"http://{truth['companies'][0]['primary_domain']}/")
    assert response.status_code == 200
    assert response.content == b""
    assert int(response.headers["content-length"]) > 0


def test_search_endpoint_shape_and_pagination(client: httpx.Client) -> None:
    params = {"q": "Series A fintech", "format": "json"}
    first = client.get("http://search.test/search", params=params)
    assert first.status_code == 200
    body = first.json()
    assert body["query"] == "Series A fintech"
    assert body["number_of_results"] > 10
    assert len(body["results"]) == 10
    for result in body["results"]:
        assert {"url", "title", "content"} <= set(result)
        assert result["url"].startswith("http://")
    second = client.get("http://search.test/search", params={**params, "pageno": 2}).json()
    assert not {r["url"] for r in body["results"]} & {r["url"] for r in second["results"]}


def test_search_site_operator(client: httpx.Client, truth: dict[str, Any]) -> None:
    domain = truth["companies"][0]["primary_domain"]
    body = client.get(
        "http://search.test/search", params={"q": f"site:{domain} team", "format": "json"}
    ).json()
    assert body["results"]
    assert all(r["url"].startswith(f"http://{domain}/") for r in body["results"])


def test_search_errors_and_html(client: httpx.Client) -> None:
    assert client.get("http://search.test/search", params={"format": "json"}).status_code == 400
    bad_page = client.get("http://search.test/search", params={"q": "x", "pageno": "zero"})
    assert bad_page.status_code == 400
    html = client.get("http://search.test/search", params={"q": "fintech"})
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    assert client.get("http://search.test/").status_code == 200
