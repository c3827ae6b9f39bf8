"""Entity resolution: duplicates merged, different entities kept apart, merged records scored."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from research.entity import (
    alias_pairs,
    merge_records,
    resolve_entities,
    same_company_name,
    same_person_name,
    source_kind,
)
from research.extract import CompanyClaims, PageFacts
from research.model import Candidate, CompanyFacts, PersonFacts, Source, SourceKind
from research.resolve import assemble_leads
from tests.extract.scoring import SEEDS, extract_web

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def source(url: str, *fields: str, days: int = 0, kind: SourceKind = SourceKind.WEB) -> Source:
    return Source(kind=kind, url=url, retrieved_at=NOW - timedelta(days=days), fields=list(fields))


def company(
    name: str | None,
    domain: str | None,
    url: str,
    *,
    country: str | None = None,
    days: int = 0,
    **fields: object,
) -> Candidate:
    paths = ["company.name", "company.domain", *(f"fields.{k}" for k in fields)]
    if country:
        fields["hq_country"] = country
        paths.append("fields.hq_country")
    return Candidate(
        key=f"co:{domain or name}:{url}",
        company=CompanyFacts(name=name, domain=domain),
        fields=dict(fields),
        sources=[source(url, *paths, days=days)],
    )


def person(
    name: str,
    domain: str,
    url: str,
    *,
    title: str = "CTO",
    email: str | None = None,
    employer: str = "Acme",
) -> Candidate:
    paths = ["person.full_name", "person.title"] + (["person.email"] if email else [])
    return Candidate(
        key=f"pe:{domain}:{name}:{url}",
        company=CompanyFacts(name=employer, domain=domain),
        person=PersonFacts(full_name=name, title=title, email=email),
        sources=[source(url, *paths)],
        role="cto",
    )


def clusters(records: list[Candidate], **kwargs: object) -> list[frozenset[str]]:
    resolution = resolve_entities(records, **kwargs)  # type: ignore[arg-type]
    groups = resolution.company_members + resolution.person_members
    return [frozenset(records[i].key for i in group) for group in groups]


# -- companies ------------------------------------------------------------------------------


def test_same_domain_merges_whatever_the_spelling() -> None:
    records = [
        company("Acme Forge", "acmeforge.test", "http://acmeforge.test/"),
        company("AcmeForge, Inc.", "www.acmeforge.test", "http://acmeforge.test/about"),
        company("ACME FORGE", "acmeforge.test", "http://dealbase.test/organization/acme"),
    ]
    assert len(clusters(records)) == 1


def test_spelling_variants_without_a_domain_join_their_company() -> None:
    records = [
        company("Quillreach", "quillreach.test", "http://quillreach.test/"),
        company("Quilreach", None, "http://news.test/2026/01/02/quilreach"),
        company("Quill Reach Ltd", None, "http://dir.test/org/quill-reach"),
    ]
    assert len(clusters(records)) == 1


def test_alias_evidence_ties_domains() -> None:
    records = [
        company("Acme Forge", "acmeforge.test", "http://acmeforge.test/"),
        company("Forge by Acme", "getacme.test", "http://getacme.test/"),
    ]
    assert len(clusters(records)) == 2
    assert len(clusters(records, aliases=[("getacme.test", "acmeforge.test")])) == 1
    records[1].company.aliases = ["acmeforge.test"]
    assert len(clusters(records)) == 1


def test_alias_pairs_from_redirects_and_self_links() -> None:
    thin = PageFacts(
        url="http://acme-forge.test/",
        kind="home",
        text="Acme Forge has a new home: acmeforge.test",
        company=CompanyClaims(name="Acme Forge", domain="acme-forge.test"),
        external_domains=["acmeforge.test"],
    )
    story = thin.model_copy(update={"url": "http://news.test/x", "kind": "news"})
    assert alias_pairs([thin, story], {"http://getacme.test/": "http://acmeforge.test/"}) == [
        ("getacme.test", "acmeforge.test"),
        ("acme-forge.test", "acmeforge.test"),
    ]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("Acme Pay", "acmepay.test", None), ("Nova Pay", "novapay.test", None)),
        (("Acme Forge", "acmeforge.test", None), ("Acme Forged", "acmeforged.test", None)),
        (("Novapay", "novapay.test", "FR"), ("Novapay", "novapay.com", "US")),
        (("Health Labs", None, None), ("Care Labs", None, None)),
    ],
)
def test_different_companies_with_similar_names_stay_apart(
    first: tuple[str, str | None, str | None], second: tuple[str, str | None, str | None]
) -> None:
    records = [
        company(first[0], first[1], "http://a.test/", country=first[2]),
        company(second[0], second[1], "http://b.test/", country=second[2]),
    ]
    assert len(clusters(records)) == 2


def test_a_misspelling_two_companies_could_own_stays_alone() -> None:
    records = [
        company("Lumenora", "lumenora.test", "http://lumenora.test/"),
        company("Lumenara", "lumenara.test", "http://lumenara.test/"),
        company("Lumenra", None, "http://news.test/2026/01/01/lumenra"),
    ]
    assert len(clusters(records)) == 3


def test_name_rules() -> None:
    assert same_company_name("Acme Forge", "AcmeForge Inc.")
    assert same_company_name("Acme Forge", "Acme Forge Labs")
    assert not same_company_name("Acme Health", "Acme Health Capital")
    assert not same_company_name("Stack Labs", "Data Labs")
    assert same_person_name("Bob Smith", "Robert Smith")
    assert same_person_name("J. Smith", "John Smith")
    assert same_person_name("Chris de Vries", "Christopher de Vries")
    assert not same_person_name("Jon Smith", "Jan Smith")
    assert not same_person_name("John Smith", "John Smithson")


@pytest.mark.parametrize("seed", SEEDS)
def test_sandbox_alias_domains_merge_and_companies_stay_apart(seed: int) -> None:
    """Company records read off every page of a sandbox web resolve to one per company."""
    extracted = extract_web(seed)
    owner: dict[str, str] = {}
    records: list[Candidate] = []
    pages: list[PageFacts] = []
    for truth in extracted.truth["companies"]:
        for page in extracted.own_pages(truth) + extracted.pages_about(truth):
            pages.append(page)
            found = page.company
            candidate = company(found.name, found.domain, page.url, country=found.hq_country)
            owner[candidate.key] = truth["id"]
            records.append(candidate)
    redirects = {r["from"]: r["to"] for r in extracted.truth["redirects"] if r["scope"] == "host"}
    groups = [set(group) for group in clusters(records, aliases=alias_pairs(pages, redirects))]
    by_company: dict[str, set[int]] = defaultdict(set)
    for index, group in enumerate(groups):
        assert len({owner[key] for key in group}) == 1  # no two companies merged
        for key in group:
            by_company[owner[key]].add(index)
    aliased = [c for c in extracted.truth["companies"] if c["domains"][1:]]
    assert len(aliased) >= 5
    for truth in aliased:
        assert len(by_company[truth["id"]]) == 1, truth["domains"]
    assert len(groups) == len(extracted.truth["companies"])


# -- people ---------------------------------------------------------------------------------


def test_the_same_person_twice_with_and_without_an_address() -> None:
    records = [
        person("Jane Doe", "acme.test", "http://acme.test/team", email="jane@acme.test"),
        person("Jane Doe", "acme.test", "http://news.test/2026/01/02/acme-hires"),
        person("Janet Doe", "acme.test", "http://acme.test/blog/x", title="CFO"),
    ]
    resolution = resolve_entities(records)
    assert len(resolution.people) == 2
    jane = next(p for p in resolution.people if p.person and p.person.full_name == "Jane Doe")
    assert jane.person is not None and jane.person.email == "jane@acme.test"
    assert {s.url for s in jane.sources} == {
        "http://acme.test/team",
        "http://news.test/2026/01/02/acme-hires",
    }


def test_nicknames_initials_and_addresses() -> None:
    records = [
        person("Robert Smith", "acme.test", "http://acme.test/team"),
        person("Bob Smith", "acme.test", "http://news.test/a"),
        person("R. Smith", "acme.test", "http://news.test/b"),
        person("Rob Smyth", "acme-forge.test", "http://x.test/", email="rob@acme.test"),
        person("Robert Smyth", "acme.test", "http://acme.test/about", email="rob@acme.test"),
    ]
    assert set(clusters(records)) == {
        frozenset({records[0].key, records[1].key, records[2].key}),
        frozenset({records[3].key, records[4].key}),
    }


def test_an_initial_that_fits_two_people_stays_alone() -> None:
    records = [
        person("John Smith", "acme.test", "http://acme.test/team"),
        person("Jane Smith", "acme.test", "http://acme.test/team", title="CFO"),
        person("J. Smith", "acme.test", "http://news.test/c"),
    ]
    assert len(resolve_entities(records).people) == 3


def test_same_name_at_two_companies_is_two_people() -> None:
    records = [
        person("Jane Doe", "acme.test", "http://acme.test/team"),
        person("Jane Doe", "zenith.test", "http://zenith.test/team", employer="Zenith"),
    ]
    assert len(resolve_entities(records).people) == 2


# -- merged records -------------------------------------------------------------------------


def test_best_supported_value_and_source_fields() -> None:
    own = company("Acme", "acme.test", "http://acme.test/about", employee_count=85)
    own.sources.append(source("http://acme.test/", "company.name", "fields.employee_count"))
    stale = company(
        "Acme", "acme.test", "http://dealbase.test/organization/acme", employee_count=50
    )
    merged = merge_records([stale, own], {"acme.test"})
    assert merged.fields["employee_count"] == 85  # two pages against one
    by_url = {s.url: s.fields for s in merged.sources}
    assert by_url["http://dealbase.test/organization/acme"] == [
        "company.name",
        "company.domain",
        "fields.employee_count",
    ]
    assert len(merged.sources) == 3


def test_ties_go_to_the_company_site_then_the_newest() -> None:
    directory = company(
        "Acme", "acme.test", "http://dealbase.test/organization/acme", employee_count=50
    )
    site = company("Acme", "acme.test", "http://acme.test/about", days=400, employee_count=85)
    assert merge_records([directory, site], {"acme.test"}).fields["employee_count"] == 85
    old = company("Acme", "acme.test", "http://news.test/2024/01/01/a", days=300, employee_count=40)
    new = company("Acme", "acme.test", "http://news.test/2026/01/01/b", days=1, employee_count=60)
    assert merge_records([old, new], {"acme.test"}).fields["employee_count"] == 60


def test_confidence_grows_with_strength_and_agreement() -> None:
    site = company("Acme", "acme.test", "http://acme.test/about", employee_count=85)
    news = company("Acme", "acme.test", "http://news.test/2026/01/02/acme", employee_count=85)
    stale = company(
        "Acme", "acme.test", "http://dealbase.test/organization/acme", employee_count=50
    )
    alone = merge_records([site], {"acme.test"}).confidence
    agreeing = merge_records([site, news], {"acme.test"}).confidence
    disputed = merge_records([site, stale], {"acme.test"}).confidence
    directory_only = merge_records([stale], {"acme.test"}).confidence
    assert 0 < directory_only < alone < agreeing <= 1
    assert disputed < agreeing
    assert source_kind(site.sources[0], {"acme.test"}) == "own_site"
    assert source_kind(news.sources[0], {"acme.test"}) == "news"
    assert source_kind(stale.sources[0], {"acme.test"}) == "directory"


def test_synthetic_records_keep_their_own_confidence() -> None:
    record = company("Acme", "acme.example", "https://acme.example/")
    record.sources[0].kind = SourceKind.SYNTHETIC
    record.confidence = 0.91
    assert merge_records([record]).confidence == 0.91


def test_assemble_leads_merges_across_alias_domains() -> None:
    records = [
        company("Acme Forge", "acmeforge.test", "http://acmeforge.test/about", employee_count=85),
        company("Acme Forge", "acme-forge.test", "http://acme-forge.test/"),
        person(
            "Jane Doe", "acmeforge.test", "http://acmeforge.test/team", email="jane@acmeforge.test"
        ),
        person("Jane Doe", "acme-forge.test", "http://acme-forge.test/team"),
    ]
    leads = assemble_leads(records, columns=["employee_count"], roles=["cto"], target_rows=10)
    assert len(leads) == 1
    lead = leads[0]
    assert lead.person is not None and lead.person.email == "jane@acmeforge.test"
    assert lead.fields == {"employee_count": 85}
    assert 0 < lead.confidence <= 1
    assert {s.url for s in lead.sources} >= {
        "http://acmeforge.test/about",
        "http://acmeforge.test/team",
        "http://acme-forge.test/team",
    }
    assert len({s.url for s in lead.sources}) == len(lead.sources)  # one source per page


def test_ten_thousand_distinct_records_stay_distinct() -> None:
    # Speed at this size is bench/dedupe's job (timings do not belong in tests).
    records = []
    for n in range(5_000):
        domain = f"company{n}.test"
        records.append(company(f"Company {n} Labs", domain, f"http://{domain}/", employee_count=n))
        records.append(
            person(f"Person Number{n}", domain, f"http://{domain}/team", employer=f"Company {n}")
        )
    resolution = resolve_entities(records)
    assert len(resolution.companies) == 5_000 and len(resolution.people) == 5_000
