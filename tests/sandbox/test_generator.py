"""The generator: determinism, truth consistent with the pages, noise and variety."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import extruct
import pytest

from sandbox import SandboxWeb, generate
from sandbox.generator import email_local, format_money
from sandbox.model import INDUSTRIES, STAGES
from sandbox.search import visible_text

ROOT = Path(__file__).resolve().parents[2]
COMPANY_KEYS = {
    "id", "name", "primary_domain", "domains", "industry", "country", "city", "founded_year",
    "stage", "funding_amount_usd", "funding_amount_text", "funded_at", "employees", "engineers",
    "tech_stack", "open_roles", "linkedin", "phone", "people", "noise", "pages",
}  # fmt: skip
PERSON_KEYS = {"id", "full_name", "title", "current", "email", "email_published", "linkedin"}


def company_text(web: SandboxWeb, company: dict[str, Any]) -> str:
    """Every body served on the company's domains, entities decoded (JS data included)."""
    domains = set(company["domains"])
    return "\n".join(html.unescape(p.html) for p in web.pages.values() if p.host in domains)


def whole_web_text(web: SandboxWeb) -> str:
    """Every body of the web, as served and as rendered by scripts."""
    return "\n".join(html.unescape(p.html + (p.rendered_html or "")) for p in web.pages.values())


def digest(web: SandboxWeb) -> str:
    """A fingerprint of every page and the truth."""
    hasher = hashlib.sha256()
    for url, page in web.pages.items():
        hasher.update(f"{url}\0{page.status}\0{page.content_type}\0".encode())
        hasher.update(page.body())
    hasher.update(json.dumps(web.truth(), sort_keys=True).encode())
    return hasher.hexdigest()


# -- determinism and speed -----------------------------------------------------------------


def test_same_seed_gives_identical_pages_and_truth(web: SandboxWeb) -> None:
    again = generate(7)
    assert list(again.pages) == list(web.pages)
    assert again.pages == web.pages
    assert json.dumps(again.truth()) == json.dumps(web.truth())


def test_different_seeds_give_different_webs(truth: dict[str, Any]) -> None:
    other = generate(8).truth()
    assert [c["name"] for c in other["companies"]] != [c["name"] for c in truth["companies"]]


def test_output_does_not_depend_on_the_hash_seed(web: SandboxWeb) -> None:
    script = (
        "import hashlib, json, sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from test_generator import digest\n"
        "from sandbox import generate\n"
        "print(digest(generate(7)))\n"
    )
    for hash_seed in ("1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
            check=True,
        )  # fmt: skip
        assert out.stdout.strip() == digest(web)


def test_small_webs_work() -> None:
    small = generate(3, companies=5)
    assert len(small.truth()["companies"]) == 5
    assert all(c.pages for c in small.companies)


# -- truth shape ---------------------------------------------------------------------------


def test_truth_has_the_documented_shape(truth: dict[str, Any]) -> None:
    assert truth["seed"] == 7
    assert truth["reference_date"] == "2026-11-01"
    assert truth["search_host"] == "search.test"
    assert truth["search_path"] == "/search"
    assert len(truth["companies"]) == 80
    json.dumps(truth)  # serializable
    for company in truth["companies"]:
        assert set(company) >= COMPANY_KEYS
        assert company["industry"] in INDUSTRIES
        assert company["stage"] in STAGES
        assert company["primary_domain"] == company["domains"][0]
        assert 3 <= len([p for p in company["people"] if p["current"]]) <= 8
        assert 0 < company["engineers"] < company["employees"]
        assert company["funded_at"] <= truth["reference_date"]
        assert company["founded_year"] <= int(company["funded_at"][:4])
        for person in company["people"]:
            assert set(person) >= PERSON_KEYS
            assert person["email_published"] in {"plain", "obfuscated", "none"}
    kinds = sorted(site["kind"] for site in truth["sites"])
    assert kinds == ["directory", "directory", "news", "search"]


def test_company_ids_domains_and_names_are_unique(truth: dict[str, Any]) -> None:
    companies = truth["companies"]
    assert [c["id"] for c in companies] == [f"c{i:03d}" for i in range(1, 81)]
    domains = [d for c in companies for d in c["domains"]]
    assert len(domains) == len(set(domains))
    names = [p["full_name"] for c in companies for p in c["people"]]
    assert len(names) == len(set(names))


def test_funding_text_and_usd_agree(truth: dict[str, Any]) -> None:
    for company in truth["companies"]:
        latest = company["rounds"][-1]
        assert latest["amount_text"] == company["funding_amount_text"]
        assert latest["stage"] == company["stage"]
        if latest["currency"] == "USD":
            assert format_money(company["funding_amount_usd"] / 1e6, "USD") == latest["amount_text"]


def test_listed_pages_exist(web: SandboxWeb, truth: dict[str, Any]) -> None:
    for entry in [*truth["companies"], *truth["sites"]]:
        assert entry["pages"]
        for url in entry["pages"]:
            assert web.pages[url].status == 200


# -- truth consistent with the pages -------------------------------------------------------


def test_every_current_person_is_on_a_company_page_with_their_title(
    web: SandboxWeb, truth: dict[str, Any]
) -> None:
    for company in truth["companies"]:
        text = company_text(web, company)
        for person in company["people"]:
            if person["current"]:
                assert person["full_name"] in text, person
                assert person["title"] in text, person


def test_company_facts_are_grounded_on_the_company_site(
    web: SandboxWeb, truth: dict[str, Any]
) -> None:
    for company in truth["companies"]:
        pages = [p for p in web.pages.values() if p.host == company["primary_domain"]]
        text = " ".join(visible_text(p.searchable_html)[1] for p in pages if p.is_html)
        raw = company_text(web, company)
        assert str(company["employees"]) in text
        assert str(company["engineers"]) in text
        assert company["city"] in text
        for tech in company["tech_stack"]:
            assert tech in text, (company["id"], tech)
        for role in company["open_roles"]:
            assert role in text, (company["id"], role)
        for url in (company["linkedin"], company["phone"]):
            assert url is None or url in raw
        for person in company["people"]:
            for url in (person["linkedin"], person["github"], person["x"]):
                assert url is None or url in raw, person
        assert {"employees", "engineers", "tech_stack", "city"} <= set(company["site_facts"])


def test_former_employees_appear_only_in_posts(web: SandboxWeb, truth: dict[str, Any]) -> None:
    formers = [(c, p) for c in truth["companies"] for p in c["people"] if not p["current"]]
    assert len(formers) >= 2
    for company, person in formers:
        assert "former_employee" in company["noise"]
        holders = [
            page.kind
            for page in web.pages.values()
            if page.host in company["domains"] and person["full_name"] in html.unescape(page.html)
        ]
        assert holders and set(holders) <= {"post", "blog", "home"}, holders
        successor = [p for p in company["people"] if p["current"] and p["role"] == person["role"]]
        assert successor, "the current team page names someone else in the role"


def test_published_emails_follow_the_policy(web: SandboxWeb, truth: dict[str, Any]) -> None:
    everything = whole_web_text(web)
    for company in truth["companies"]:
        text = company_text(web, company)
        for person in company["people"]:
            email, local = person["email"], person["email"].split("@")[0]
            assert email == (
                email_local(company["email_pattern"], person["first_name"], person["last_name"])
                + "@"
                + company["primary_domain"]
            )
            if person["email_published"] == "plain":
                assert email in text
            else:
                assert email not in everything, person
            if person["email_published"] == "obfuscated":
                assert re.search(rf"{re.escape(local)}\s*(\[at\]|\(at\)| at |@ )", text), person


def test_companies_that_publish_emails_publish_several(truth: dict[str, Any]) -> None:
    publishing = 0
    for company in truth["companies"]:
        shown = [p for p in company["people"] if p["email_published"] != "none"]
        if shown:
            publishing += 1
            assert len(shown) >= 2 or len(company["people"]) < 3
    assert publishing >= len(truth["companies"]) // 2


def test_forbidden_values_live_only_under_disallowed_paths(
    web: SandboxWeb, truth: dict[str, Any]
) -> None:
    assert len(truth["forbidden"]) >= 2
    forbidden_urls = {entry["url"] for entry in truth["forbidden"]}
    for entry in truth["forbidden"]:
        page = web.pages[entry["url"]]
        assert web.is_disallowed(entry["url"])
        robots = web.pages[f"http://{page.host}/robots.txt"].html
        assert "Disallow: /private/" in robots
        for value in entry["values"]:
            assert value in page.html
    for url, page in web.pages.items():
        if url in forbidden_urls:
            continue
        body = page.html + (page.rendered_html or "")
        for entry in truth["forbidden"]:
            for value in entry["values"]:
                assert value not in body, (value, url)


def test_forbidden_pages_are_linked_so_crawlers_meet_them(
    web: SandboxWeb, truth: dict[str, Any]
) -> None:
    for entry in truth["forbidden"]:
        page = web.pages[entry["url"]]
        home = web.pages[f"http://{page.host}/"]
        assert f'href="{page.path}"' in home.html


def test_alias_domains_redirect_mirror_or_point_home(
    web: SandboxWeb, truth: dict[str, Any]
) -> None:
    seen: Counter[str] = Counter()
    for company in truth["companies"]:
        for alias in company["domains"][1:]:
            primary = company["primary_domain"]
            if "alias_redirect" in company["noise"]:
                seen["redirect"] += 1
                assert web.host_redirects[alias] == primary
                expected = {"from": f"http://{alias}/", "to": f"http://{primary}/", "status": 301}
                assert {**expected, "scope": "host"} in truth["redirects"]
            elif "alias_mirror" in company["noise"]:
                seen["mirror"] += 1
                assert web.pages[f"http://{alias}/"].html == web.pages[f"http://{primary}/"].html
            else:
                seen["thin"] += 1
                assert f"http://{primary}/" in web.pages[f"http://{alias}/"].html
    assert set(seen) == {"redirect", "mirror", "thin"}


def test_in_site_redirects_point_at_real_pages(web: SandboxWeb, truth: dict[str, Any]) -> None:
    in_site = [r for r in truth["redirects"] if r["scope"] == "page"]
    assert len(in_site) >= 2
    for redirect in in_site:
        assert redirect["status"] in {301, 302}
        assert web.pages[redirect["to"]].status == 200


def test_js_only_pages_hide_their_content_until_scripts_run(
    web: SandboxWeb, truth: dict[str, Any]
) -> None:
    js_urls = truth["js_only_pages"]
    assert len(js_urls) >= 4
    assert js_urls == sorted(url for url, page in web.pages.items() if page.js_only)
    kinds = {web.pages[url].kind for url in js_urls}
    assert kinds == {"team", "careers"}
    for company in truth["companies"]:
        for url in js_urls:
            page = web.pages[url]
            if page.host != company["primary_domain"] or page.kind != "team":
                continue
            served, rendered = visible_text(page.html)[1], visible_text(page.rendered_html or "")[1]
            for person in company["people"]:
                if person["on_team_page"]:
                    assert person["full_name"] not in served
                    assert person["full_name"] in rendered
    data = [page for page in web.pages.values() if page.kind == "data"]
    for page in data:
        assert page.content_type == "application/json"
        json.loads(page.html)


def test_charset_pages_encode_in_their_declared_charset(web: SandboxWeb) -> None:
    latin = [p for p in web.pages.values() if p.charset in {"iso-8859-1", "windows-1252"}]
    assert len(latin) >= 4
    accented = 0
    for page in latin:
        assert page.body().decode(page.charset) == page.html
        assert re.search(rf'charset="?{page.charset}"', page.html)  # declared in the document too
        if not page.html.isascii():
            accented += 1
            with pytest.raises(UnicodeDecodeError):
                page.body().decode("utf-8")
    assert accented >= 2


def test_conflicting_headcounts_keep_the_current_number_on_the_about_page(
    web: SandboxWeb, truth: dict[str, Any]
) -> None:
    conflicted = [c for c in truth["companies"] if "conflicting_headcount" in c["noise"]]
    assert len(conflicted) >= 2
    for company in conflicted:
        about = next(
            p
            for p in web.pages.values()
            if p.host == company["primary_domain"] and p.kind == "about"
        )
        assert str(company["employees"]) in visible_text(about.html)[1]
        assert "previous_employees" in company["site_facts"]


def test_stale_directory_profiles_lag_behind_the_company(
    web: SandboxWeb, truth: dict[str, Any]
) -> None:
    stale = [c for c in truth["companies"] if "stale_directory" in c["noise"]]
    assert len(stale) >= 2
    for company in stale:
        slug = company["primary_domain"].removesuffix(".test")
        profile = visible_text(web.pages[f"http://dealbase.test/organization/{slug}"].html)[1]
        older = company["rounds"][-2]
        assert f"Last funding {older['amount_text']} on {older['announced_on']}" in profile
        articles = [
            visible_text(p.html)[1]
            for p in web.pages.values()
            if p.kind == "article" and company["name"] in p.html
        ]
        assert any(company["funding_amount_text"] in text for text in articles)


def test_directories_link_to_company_domains(web: SandboxWeb, truth: dict[str, Any]) -> None:
    for company in truth["companies"]:
        slug = company["primary_domain"].removesuffix(".test")
        profile = web.pages[f"http://dealbase.test/organization/{slug}"].html
        assert any(f'href="http://{domain}/"' in profile for domain in company["domains"])


# -- variety -------------------------------------------------------------------------------

TEAM_MARKERS = {
    "cards": 'class="team-grid"',
    "figures": 'class="people"',
    "list": 'class="leadership"',
    "table": 'class="team"',
    "definitions": 'class="staff"',
    "prose": 'class="team-prose"',
    "javascript": 'class="js-mount"',
}


def test_team_pages_use_many_layouts(web: SandboxWeb) -> None:
    layouts = Counter(
        name
        for page in web.pages.values()
        if page.kind == "team"
        for name, marker in TEAM_MARKERS.items()
        if marker in page.html
    )
    assert len(layouts) >= 5, layouts
    structured = Counter(
        "jsonld"
        if "application/ld+json" in p.html
        else "microdata"
        if "itemscope" in p.html
        else "none"
        for p in web.pages.values()
        if p.kind == "team"
    )
    assert set(structured) == {"jsonld", "microdata", "none"}


def test_structured_data_agrees_with_the_truth(web: SandboxWeb, truth: dict[str, Any]) -> None:
    by_domain = {c["primary_domain"]: c for c in truth["companies"]}
    checked: Counter[str] = Counter()
    for page in web.pages.values():
        if page.kind != "team" or page.host not in by_domain:
            continue
        data = extruct.extract(page.html, syntaxes=["json-ld", "microdata"], uniform=True)
        for syntax in ("json-ld", "microdata"):
            for item in data[syntax]:
                people = item.get("employee") or []
                if not people:
                    continue
                checked[syntax] += 1
                expected = {
                    p["full_name"]: p["title"]
                    for p in by_domain[page.host]["people"]
                    if p["on_team_page"]
                }
                assert {p["name"]: p["jobTitle"] for p in people} == expected
    assert checked["json-ld"] >= 5 and checked["microdata"] >= 5


def test_titles_are_phrased_in_many_ways(truth: dict[str, Any]) -> None:
    def phrasings(role: str) -> set[str]:
        return {p["title"] for c in truth["companies"] for p in c["people"] if p["role"] == role}

    assert len(phrasings("vp_engineering")) >= 3
    assert len(phrasings("head_of_growth")) >= 2
    assert {"CTO", "Chief Technology Officer"} <= phrasings("cto")


def test_every_noise_kind_hits_several_companies(truth: dict[str, Any]) -> None:
    counts = Counter(kind for company in truth["companies"] for kind in company["noise"])
    for kind in (
        "alias_domain", "alias_redirect", "former_employee", "obfuscated_email", "no_emails",
        "conflicting_headcount", "js_team", "js_careers", "charset_latin1", "near_miss",
        "robots_private", "stale_directory", "insite_redirect",
    ):  # fmt: skip
        assert counts[kind] >= 2, (kind, counts)


def test_site_skeletons_and_phrasings_vary(web: SandboxWeb) -> None:
    homes = [p.html for p in web.pages.values() if p.kind == "home"]
    skeletons = {
        marker for html_ in homes for marker in ("__next", "navbar", "4.01", "site-header")
        if marker in html_
    }  # fmt: skip
    assert len(skeletons) == 4
    abouts = " ".join(visible_text(p.html)[1] for p in web.pages.values() if p.kind == "about")
    for phrase in ("Headquartered in", "Based in", "HQ:", "Team size:", "employees", "Since"):
        assert phrase in abouts


def test_people_and_places_look_international(truth: dict[str, Any]) -> None:
    countries = Counter(c["country"] for c in truth["companies"])
    assert len(countries) >= 8
    assert sum(not p["full_name"].isascii() for c in truth["companies"] for p in c["people"]) >= 10
    phones = [c["phone"] for c in truth["companies"] if c["phone"]]
    assert any(phone.startswith("+") for phone in phones)
    assert any(not phone.startswith("+") for phone in phones)
