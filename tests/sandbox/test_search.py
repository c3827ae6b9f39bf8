"""The search index: query syntax, ranking, snippets, robots and JS-rendered pages."""

from __future__ import annotations

from typing import Any

from sandbox import SandboxWeb
from sandbox.search import Document, SearchIndex, normalize, parse_query, visible_text


def doc(url: str, title: str, body: str) -> Document:
    host, _, path = url.removeprefix("http://").partition("/")
    return Document.from_html(
        url,
        host,
        f"/{path}",
        f"<html><head><title>{title}</title></head><body>{body}</body></html>",
    )


SMALL = SearchIndex(
    [
        doc("http://a.test/", "Acmepay home", "<p>Acmepay is a fintech in Paris, France.</p>"),
        doc("http://a.test/team", "Team", "<ul><li>Jane Doe, VP Engineering</li></ul>"),
        doc("http://b.test/", "Bluecare", "<p>Bluecare raised a Series B. Based in Berlin.</p>"),
        doc("http://c.test/", "Clearpay", "<p>Clearpay raised a Series A in Malmö.</p>"),
        doc("http://d.test/x", "Noise", "<script>var fintech = 1;</script><p>Nothing here.</p>"),
        doc("http://f.test/", "Twin", "<p>Identical twin page.</p>"),
        doc("http://e.test/", "Twin", "<p>Identical twin page.</p>"),
    ]
)


def urls(answer: dict[str, Any]) -> list[str]:
    return [r["url"] for r in answer["results"]]


def test_visible_text_skips_scripts_and_keeps_words_apart() -> None:
    title, text = visible_text(
        "<html><head><title>T &amp; co</title><style>p{}</style></head>"
        "<body><p>One</p><p>two</p><script>three()</script></body></html>"
    )
    assert title == "T & co"
    assert text == "One two"


def test_normalize_folds_accents_case_and_plurals() -> None:
    assert normalize("Malmö") == "malmo"
    assert normalize("Engineers") == normalize("engineer")
    assert normalize("companies") == "company"
    assert normalize("series") == "series"


def test_query_syntax() -> None:
    query = parse_query('"VP Engineering" acmepay site:a.test/team -intern')
    assert query.phrases == [["vp", "engineering"]]
    assert query.terms == ["vp", "engineering", "acmepay"]
    assert query.sites == [("a.test", "/team")]
    assert query.excluded == ["intern"]


def test_answer_has_the_searxng_shape() -> None:
    answer = SMALL.search("fintech France")
    assert answer["query"] == "fintech France"
    assert answer["number_of_results"] == 1
    (result,) = answer["results"]
    assert result["url"] == "http://a.test/"
    assert result["title"] == "Acmepay home"
    assert "fintech in Paris, France" in result["content"]


def test_scripts_are_not_indexed() -> None:
    assert SMALL.search("var")["number_of_results"] == 0


def test_phrases_are_required_and_site_restricts() -> None:
    assert urls(SMALL.search('"Series A"')) == ["http://c.test/"]
    assert urls(SMALL.search("raised site:b.test")) == ["http://b.test/"]
    assert urls(SMALL.search("site:a.test")) == ["http://a.test/", "http://a.test/team"]
    assert urls(SMALL.search("site:a.test/team")) == ["http://a.test/team"]
    assert urls(SMALL.search("raised -berlin")) == ["http://c.test/"]


def test_pages_matching_more_terms_rank_first_and_ties_break_by_url() -> None:
    assert urls(SMALL.search("clearpay raised"))[0] == "http://c.test/"
    assert urls(SMALL.search("identical twin")) == ["http://e.test/", "http://f.test/"]
    assert urls(SMALL.search("malmo")) == ["http://c.test/"]


def test_pagination(index: SearchIndex) -> None:
    first, second = index.search("engineer", 1), index.search("engineer", 2)
    assert first["number_of_results"] == second["number_of_results"] > 20
    assert len(first["results"]) == len(second["results"]) == 10
    assert not set(urls(first)) & set(urls(second))
    far = index.search("engineer", 1000)
    assert far["results"] == []
    assert urls(index.search("engineer", 1)) == urls(first)  # deterministic


def test_prospecting_queries_find_the_right_pages(
    web: SandboxWeb, index: SearchIndex, truth: dict[str, Any]
) -> None:
    report = next(r for r in truth["icps"] if r["key"] == "fr_fintech_series_a")
    found = " ".join(urls(index.search("fintech Series A France", 1)))
    found += " ".join(urls(index.search("fintech Series A France", 2)))
    assert "dealbase.test" in found
    company = next(c for c in truth["companies"] if c["id"] == report["matches"][0])
    vp = next(p for p in company["people"] if p["role"] == "vp_engineering")
    slug = company["primary_domain"].removesuffix(".test")
    hits = urls(index.search(f'"{vp["full_name"]}" {slug}'))
    assert any(company["primary_domain"] in url for url in hits)
    team = urls(index.search(f"site:{company['primary_domain']} team"))
    assert team and all(company["primary_domain"] in url for url in team)
    assert any(web.pages[url].kind == "team" for url in team)


def test_js_only_pages_are_found_by_their_rendered_content(
    index: SearchIndex, truth: dict[str, Any]
) -> None:
    company = next(c for c in truth["companies"] if "js_team" in c["noise"])
    person = next(p for p in company["people"] if p["current"])
    hits = urls(index.search(f'"{person["full_name"]}"'))
    assert set(hits) & set(truth["js_only_pages"])


def test_robots_disallowed_pages_are_not_indexed(index: SearchIndex, truth: dict[str, Any]) -> None:
    indexed = {d.url for d in index.documents}
    for entry in truth["forbidden"]:
        assert entry["url"] not in indexed
        for value in entry["values"]:
            assert index.search(f'"{value}"')["number_of_results"] == 0
