"""Sites other than the companies' own: a news site, two directories and the search home."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sandbox import templates, vocab
from sandbox.model import Company, FundingRound, Page, Person, Site, SiteKind
from sandbox.text import attr, cap, esc, format_date, human_join, indefinite_article, slugify

NEWS_HOST = "startupwire.test"
DEALBASE_HOST = "dealbase.test"
DIRECTORY_HOST = "eustartups-directory.test"
PAGE_SIZE = 15
NON_EU_DIRECTORY = frozenset({"US", "CA"})


def _document(site_name: str, title: str, content: str, nav: list[tuple[str, str]]) -> str:
    links = " ".join(f'<a href="{attr(href)}">{esc(label)}</a>' for href, label in nav)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(title)} — {esc(site_name)}</title>\n</head>\n<body>\n"
        f'<header><a class="logo" href="/">{esc(site_name)}</a> <nav>{links}</nav></header>\n'
        f"<main>\n{content}\n</main>\n"
        f"<footer><p>© {esc(site_name)}. Data may be incomplete or out of date.</p></footer>\n"
        "</body>\n</html>\n"
    )


@dataclass
class SiteBuilder:
    """Collects one host's pages."""

    host: str
    site_name: str
    kind: SiteKind
    nav: list[tuple[str, str]]
    pages: list[Page]

    def add(self, path: str, title: str, content: str, kind: str = "page") -> str:
        """Add an HTML page and return its URL."""
        url = f"http://{self.host}{path}"
        self.pages.append(
            Page(url=url, html=_document(self.site_name, title, content, self.nav), kind=kind)
        )
        return url

    def robots(self, text: str) -> None:
        """Add the host's robots.txt."""
        self.pages.append(
            Page(
                url=f"http://{self.host}/robots.txt",
                html=text,
                content_type="text/plain; charset=utf-8",
                kind="robots",
            )
        )

    def paginated(
        self,
        base: str,
        title: str,
        intro: str,
        rows: list[str],
        wrap: Callable[[str], str] = str,
    ) -> None:
        """Listing pages of PAGE_SIZE rows: base, base/page/2, ..."""
        chunks = [rows[i : i + PAGE_SIZE] for i in range(0, len(rows), PAGE_SIZE)] or [[]]
        for number, chunk in enumerate(chunks, start=1):
            path = base if number == 1 else f"{base.rstrip('/')}/page/{number}"
            pager = []
            if number > 1:
                previous = base if number == 2 else f"{base.rstrip('/')}/page/{number - 1}"
                pager.append(f'<a rel="prev" href="{previous}">Previous</a>')
            if number < len(chunks):
                pager.append(f'<a rel="next" href="{base.rstrip("/")}/page/{number + 1}">Next</a>')
            heading = title if number == 1 else f"{title} (page {number})"
            listing = wrap("\n".join(chunk))
            content = (
                f"<h1>{esc(heading)}</h1>\n<p>{esc(intro)}</p>\n{listing}\n"
                f'<p class="pager">{" ".join(pager)}</p>'
            )
            self.add(path, heading, content, kind="listing")

    def site(self) -> Site:
        """The truth record of the host."""
        urls = [
            p.url for p in self.pages if p.status == 200 and p.content_type.startswith("text/html")
        ]
        return Site(host=self.host, kind=self.kind, pages=sorted(urls))


# -- the news site -------------------------------------------------------------------------


@dataclass
class Article:
    """One news story about a company."""

    kind: str
    day: date
    headline: str
    paragraphs: list[str]
    company: Company
    reporter: str
    url: str = ""


def build_news(seed: int, ref: date, companies: list[Company]) -> tuple[Site, list[Page]]:
    """startupwire.test: funding rounds, hires and departures, linking to company sites."""
    articles: list[Article] = []
    for company in companies:
        rng = random.Random(f"{seed}:news:{company.id}")
        articles += _company_articles(rng, ref, company)
    used: set[str] = set()
    for article in articles:
        slug = slugify(article.headline)
        while slug in used:
            slug += "-2"
        used.add(slug)
        article.url = (
            f"http://{NEWS_HOST}/{article.day.year}/{article.day.month:02d}/{article.day.day:02d}/"
            f"{slug}"
        )
    articles.sort(key=lambda a: (a.day, a.url), reverse=True)
    site = SiteBuilder(
        NEWS_HOST,
        "StartupWire",
        "news",
        [("/funding", "Funding"), ("/people", "People"), ("/tags", "Topics")],
        [],
    )
    for article in articles:
        _article_page(site, article)

    def row(article: Article) -> str:
        when = format_date(article.day, "long_us")
        return (
            f'<article><h2><a href="{attr(_path(article.url))}">{esc(article.headline)}</a></h2>'
            f'<p><time datetime="{article.day.isoformat()}">{when}</time> · '
            f"{esc(_excerpt(article.paragraphs[0]))}</p></article>"
        )

    listings = (
        ("/", "Latest startup news", "Funding, hires and exits in Europe and the US.", None),
        ("/funding", "Funding rounds", "Every round we covered, newest first.", {"funding", "ipo"}),
        ("/people", "People moves", "Hires and departures at startups.", {"hire", "departure"}),
    )
    for path, title, intro, kinds in listings:
        rows = [row(a) for a in articles if kinds is None or a.kind in kinds]
        site.paginated(path, title, intro, rows)
    tags = sorted({a.company.industry for a in articles})
    site.add(
        "/tags",
        "Topics",
        "<h1>Topics</h1>\n<ul>\n"
        + "\n".join(
            f'<li><a href="/tag/{t}">{esc(cap(vocab.INDUSTRY_VOCAB[t].label))}</a></li>'
            for t in tags
        )
        + "\n</ul>",
    )
    for tag in tags:
        label = cap(vocab.INDUSTRY_VOCAB[tag].label)
        site.add(
            f"/tag/{tag}",
            label,
            f"<h1>{esc(label)}</h1>\n"
            + "\n".join(row(a) for a in articles if a.company.industry == tag),
            kind="listing",
        )
    site.robots("User-agent: *\nDisallow: /admin/\n")
    return site.site(), site.pages


def _company_articles(rng: random.Random, ref: date, company: Company) -> list[Article]:
    found: list[Article] = []
    latest = company.latest_round
    chance = (
        1.0 if "stale_directory" in company.noise else 0.2 if latest.stage == "pre_seed" else 0.75
    )
    for funding in company.rounds:
        if rng.random() < (chance if funding is latest else 0.3):
            kind = "ipo" if funding.stage == "public" else "funding"
            found.append(_article(rng, ref, company, kind, funding.announced_on, funding=funding))
    formers = [p for p in company.people if not p.current]
    for former in formers:
        if rng.random() < 0.7 and former.left_on:
            found.append(_article(rng, ref, company, "departure", former.left_on, person=former))
    replaced = {p.role for p in formers}
    for person in company.current_people:
        leader = vocab.ROLES[person.role].leadership and not person.founder
        recent = person.joined_on is not None and (ref - person.joined_on).days < 3 * 365
        chance = 0.5 if person.role in replaced else 0.25
        if leader and recent and person.joined_on and rng.random() < chance:
            found.append(_article(rng, ref, company, "hire", person.joined_on, person=person))
    if company.previous_employees and company.previous_employees_on and rng.random() < 0.5:
        day = company.previous_employees_on + timedelta(days=rng.randint(3, 40))
        found.append(_article(rng, ref, company, "milestone", min(day, ref)))
    return found


def _article(
    rng: random.Random,
    ref: date,
    company: Company,
    kind: str,
    day: date,
    *,
    funding: FundingRound | None = None,
    person: Person | None = None,
) -> Article:
    values = _news_values(rng, company, funding or company.latest_round, person)
    paragraphs = [rng.choice(templates.NEWS_BODIES[kind]).format(**values)]
    if kind in {"funding", "ipo"} and funding is company.latest_round and (ref - day).days < 270:
        # Only a recent story may state today's headcount; older ones would now be stale.
        paragraphs.append(f"The company has {company.employees} employees.")
    headline = rng.choice(templates.NEWS_HEADLINES[kind]).format(**values)
    return Article(kind, day, headline, paragraphs, company, rng.choice(templates.REPORTERS))


def _news_values(
    rng: random.Random, company: Company, funding: FundingRound, person: Person | None
) -> dict[str, Any]:
    industry = vocab.INDUSTRY_VOCAB[company.industry]
    founders = [p.full_name for p in company.current_people if p.founder]
    label = vocab.STAGE_LABELS[funding.stage]
    role = vocab.ROLES[person.role] if person else None
    years = 1
    if person and person.joined_on and person.left_on:
        years = max(1, (person.left_on - person.joined_on).days // 365)
    return {
        "name": company.name,
        "city": company.city,
        "industry": industry.label,
        "offering": rng.choice(industry.offerings),
        "customers": rng.choice(industry.customers),
        "product": rng.choice(industry.products),
        "founded": company.founded_year,
        "by_founders": f" by {human_join(founders)}" if founders else "",
        "amount": funding.amount_text,
        "article": indefinite_article(funding.amount_text),
        "stage": label,
        "stage_cap": cap(label),
        "lead": funding.lead_investor,
        "with_others": f", with {human_join(list(funding.investors))}" if funding.investors else "",
        "person": person.full_name if person else "",
        "first": person.first_name if person else "",
        # The press phrases a title its own way; the team page stays the reference.
        "title": rng.choice(role.titles) if role else "",
        "area": role.area if role else "",
        "years": years,
        "old": company.previous_employees or company.employees,
    }


def _article_page(site: SiteBuilder, article: Article) -> None:
    company = article.company
    when = format_date(article.day, "long_us")
    body = "\n".join(f"<p>{esc(p)}</p>" for p in article.paragraphs)
    domain = company.primary_domain
    label = cap(vocab.INDUSTRY_VOCAB[company.industry].label)
    content = (
        f'<article class="story">\n<h1>{esc(article.headline)}</h1>\n'
        f'<p class="dateline"><time datetime="{article.day.isoformat()}">{when}</time> · '
        f"By {esc(article.reporter)}</p>\n{body}\n"
        f'<p>Learn more at <a href="http://{domain}/">{domain}</a>.</p>\n'
        f'<p class="tags">Filed under <a href="/tag/{company.industry}">{esc(label)}</a></p>\n'
        "</article>"
    )
    site.add(_path(article.url), article.headline, content, kind="article")


# -- directories ---------------------------------------------------------------------------


def _shown_round(company: Company) -> FundingRound:
    """What the directories list as the latest round: stale ones lag one round behind."""
    if "stale_directory" in company.noise and len(company.rounds) > 1:
        return company.rounds[-2]
    return company.latest_round


def _shown_employees(company: Company) -> int:
    if "stale_directory" in company.noise:
        return company.previous_employees or max(2, round(company.employees * 0.6))
    return company.employees


def _bucket(count: int) -> str:
    for low, high in templates.HEADCOUNT_BUCKETS:
        if low <= count <= high:
            return f"{low:,}–{high:,}"
    return "10,000+"


def build_dealbase(seed: int, companies: list[Company]) -> tuple[Site, list[Page]]:
    """dealbase.test: a Crunchbase-like database, one profile per company."""
    rng = random.Random(f"{seed}:dealbase")
    site = SiteBuilder(
        DEALBASE_HOST,
        "Dealbase",
        "directory",
        [("/companies", "Companies"), ("/industries", "Industries"), ("/stages", "Stages")],
        [],
    )
    ordered = sorted(companies, key=lambda c: (c.name.lower(), c.id))
    shown = {c.id: _shown_round(c) for c in ordered}

    def row(company: Company) -> str:
        funding = shown[company.id]
        country = vocab.COUNTRIES[company.country]
        return (
            f'<tr><td><a href="/organization/{company.slug}">{esc(company.name)}</a></td>'
            f"<td>{esc(cap(vocab.INDUSTRY_VOCAB[company.industry].label))}</td>"
            f"<td>{esc(company.city)}, {esc(country.short)}</td>"
            f"<td>{esc(cap(vocab.STAGE_LABELS[funding.stage]))}</td>"
            f"<td>{esc(funding.amount_text)}</td></tr>"
        )

    def table(rows: str) -> str:
        return (
            '<table class="results">\n<tr><th>Organization</th><th>Industry</th>'
            "<th>Headquarters</th><th>Last round</th><th>Amount</th></tr>\n"
            f"{rows}\n</table>"
        )

    site.add(
        "/",
        "Startup funding database",
        "<h1>Dealbase</h1>\n<p>Funding rounds, investors and headcounts for startups.</p>\n"
        '<p><a href="/companies">Browse all companies</a> · <a href="/industries">By industry</a>'
        ' · <a href="/countries">By country</a> · <a href="/stages">By stage</a></p>',
    )
    site.paginated(
        "/companies",
        "All companies",
        f"{len(ordered)} organizations.",
        [row(c) for c in ordered],
        table,
    )
    groups: dict[str, tuple[str, Callable[[Company], str], list[tuple[str, str]]]] = {
        "industry": (
            "/industries",
            lambda c: c.industry,
            [(s, cap(vocab.INDUSTRY_VOCAB[s].label)) for s in vocab.INDUSTRY_VOCAB],
        ),
        "country": (
            "/countries",
            lambda c: c.country.lower(),
            [(c.lower(), vocab.COUNTRIES[c].name) for c in sorted(vocab.COUNTRIES)],
        ),
        "stage": (
            "/stages",
            lambda c: shown[c.id].stage,
            [(s, cap(vocab.STAGE_LABELS[s])) for s in vocab.STAGE_LABELS],
        ),
    }
    for facet, (index_path, key, options) in groups.items():
        present = [
            (value, label) for value, label in options if any(key(c) == value for c in ordered)
        ]
        site.add(
            index_path,
            f"Companies by {facet}",
            f"<h1>Companies by {facet}</h1>\n<ul>\n"
            + "\n".join(f'<li><a href="/{facet}/{v}">{esc(label)}</a></li>' for v, label in present)
            + "\n</ul>",
        )
        for value, label in present:
            members = [c for c in ordered if key(c) == value]
            intro = f"{len(members)} organizations."
            rows = [row(c) for c in members]
            site.paginated(f"/{facet}/{value}", f"{label} companies", intro, rows, table)
    for company in ordered:
        _dealbase_profile(site, rng, company, shown[company.id])
    site.robots("User-agent: *\nDisallow: /api/\nDisallow: /export/\n")
    return site.site(), site.pages


def _dealbase_profile(
    site: SiteBuilder, rng: random.Random, company: Company, funding: FundingRound
) -> None:
    country = vocab.COUNTRIES[company.country]
    website = company.primary_domain
    if company.alias_domains and rng.random() < 0.5:
        website = company.alias_domains[0]  # directories often keep an old domain
        company.noise.append("directory_alias")
    employees = _shown_employees(company)
    headcount = str(employees) if rng.random() < 0.5 else _bucket(employees)
    rounds = [r for r in company.rounds if r.announced_on <= funding.announced_on]
    rows = "\n".join(
        f"<tr><td>{r.announced_on.isoformat()}</td><td>{esc(cap(vocab.STAGE_LABELS[r.stage]))}</td>"
        f"<td>{esc(r.amount_text)}</td><td>{esc(r.lead_investor)}</td></tr>"
        for r in reversed(rounds)
    )
    founders = [p for p in company.current_people if p.founder]
    people = "\n".join(
        f"<li>{esc(p.full_name)} — {esc(vocab.ROLES[p.role].titles[0])}, Founder</li>"
        for p in founders
    )
    investors = sorted({r.lead_investor for r in rounds} | {i for r in rounds for i in r.investors})
    content = (
        f'<div class="profile">\n<h1>{esc(company.name)}</h1>\n'
        f'<p class="summary">{esc(company.description)}</p>\n'
        '<table class="overview">\n'
        f'<tr><th>Website</th><td><a href="http://{website}/">{website}</a></td></tr>\n'
        f"<tr><th>Industry</th><td>{esc(cap(vocab.INDUSTRY_VOCAB[company.industry].label))}</td></tr>\n"
        f"<tr><th>Headquarters</th><td>{esc(company.city)}, {esc(country.name)}</td></tr>\n"
        f"<tr><th>Founded</th><td>{company.founded_year}</td></tr>\n"
        f"<tr><th>Employees</th><td>{esc(headcount)}</td></tr>\n"
        f"<tr><th>Stage</th><td>{esc(cap(vocab.STAGE_LABELS[funding.stage]))}</td></tr>\n"
        f"<tr><th>Last funding</th><td>{esc(funding.amount_text)} on "
        f"{funding.announced_on.isoformat()}</td></tr>\n"
        "</table>\n<h2>Funding rounds</h2>\n"
        '<table class="rounds">\n<tr><th>Date</th><th>Round</th><th>Amount</th><th>Lead</th></tr>\n'
        f"{rows}\n</table>\n"
        f"<h2>Investors</h2>\n<p>{esc(', '.join(investors))}</p>\n"
        + (f"<h2>Key people</h2>\n<ul>\n{people}\n</ul>\n" if people else "")
        + "</div>"
    )
    site.add(f"/organization/{company.slug}", company.name, content, kind="profile")


def build_eu_directory(seed: int, companies: list[Company]) -> tuple[Site, list[Page]]:
    """eustartups-directory.test: European startups by industry and country."""
    rng = random.Random(f"{seed}:eudir")
    site = SiteBuilder(
        DIRECTORY_HOST,
        "EU Startups Directory",
        "directory",
        [("/industries", "Industries"), ("/countries", "Countries")],
        [],
    )
    listed = sorted(
        (c for c in companies if c.country not in NON_EU_DIRECTORY),
        key=lambda c: (c.name.lower(), c.id),
    )

    def item(company: Company) -> str:
        country = vocab.COUNTRIES[company.country]
        return (
            f'<li><a href="/startups/{company.slug}">{esc(company.name)}</a> — '
            f"{esc(cap(vocab.INDUSTRY_VOCAB[company.industry].label))} · "
            f"{esc(company.city)}, {esc(country.name)}</li>"
        )

    def ul(rows: str) -> str:
        return f'<ul class="startups">\n{rows}\n</ul>'

    recent = sorted(listed, key=lambda c: (c.latest_round.announced_on, c.id), reverse=True)[:10]
    site.add(
        "/",
        "Europe's startup directory",
        "<h1>EU Startups Directory</h1>\n<p>Discover European startups.</p>\n"
        "<h2>Recently updated</h2>\n" + ul("\n".join(item(c) for c in recent)),
    )
    industries = sorted({c.industry for c in listed})
    countries = sorted({c.country for c in listed})
    site.add(
        "/industries",
        "Industries",
        "<h1>Industries</h1>\n"
        + ul(
            "\n".join(
                f'<li><a href="/industries/{s}">{esc(cap(vocab.INDUSTRY_VOCAB[s].label))}</a></li>'
                for s in industries
            )
        ),
    )
    site.add(
        "/countries",
        "Countries",
        "<h1>Countries</h1>\n"
        + ul(
            "\n".join(
                f'<li><a href="/countries/{slugify(vocab.COUNTRIES[c].name)}">'
                f"{esc(cap(vocab.COUNTRIES[c].name))}</a></li>"
                for c in countries
            )
        ),
    )
    for slug in industries:
        label = cap(vocab.INDUSTRY_VOCAB[slug].label)
        members = [c for c in listed if c.industry == slug]
        site.paginated(
            f"/industries/{slug}",
            f"{label} startups in Europe",
            f"{len(members)} startups.",
            [item(c) for c in members],
            ul,
        )
    for code in countries:
        name = cap(vocab.COUNTRIES[code].name)
        members = [c for c in listed if c.country == code]
        site.paginated(
            f"/countries/{slugify(vocab.COUNTRIES[code].name)}",
            f"Startups in {name}",
            f"{len(members)} startups.",
            [item(c) for c in members],
            ul,
        )
    for company in listed:
        _eu_profile(site, rng, company)
    site.robots("User-agent: *\nAllow: /\n")
    return site.site(), site.pages


def _eu_profile(site: SiteBuilder, rng: random.Random, company: Company) -> None:
    country = vocab.COUNTRIES[company.country]
    funding = _shown_round(company)
    founders = [p.full_name for p in company.current_people if p.founder]
    facts = [
        ("Website", f'<a href="http://{company.primary_domain}/">{company.primary_domain}</a>'),
        ("Sector", esc(cap(vocab.INDUSTRY_VOCAB[company.industry].label))),
        ("Location", f"{esc(company.city)}, {esc(country.name)}"),
        ("Founded", str(company.founded_year)),
        ("Team size", f"{_bucket(_shown_employees(company))} employees"),
        ("Funding stage", esc(cap(vocab.STAGE_LABELS[funding.stage]))),
    ]
    if founders and rng.random() < 0.7:
        facts.append(("Founders", esc(human_join(founders))))
    rows = "\n".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in facts)
    content = (
        f"<h1>{esc(company.name)}</h1>\n<p><em>{esc(company.tagline)}</em></p>\n"
        f"<p>{esc(company.description)}</p>\n<dl>\n{rows}\n</dl>"
    )
    site.add(f"/startups/{company.slug}", company.name, content, kind="profile")


def build_search_home(host: str, path: str) -> tuple[Site, list[Page]]:
    """The search engine's home page (the results endpoint itself is served live)."""
    site = SiteBuilder(host, "Sandbox Search", "search", [], [])
    site.add(
        "/",
        "Search",
        f'<h1>Sandbox Search</h1>\n<form action="{path}" method="get">'
        '<input type="search" name="q" placeholder="Search the sandbox web">'
        '<input type="hidden" name="format" value="html"><button>Search</button></form>\n'
        f"<p>JSON API: <code>{path}?q=...&amp;format=json&amp;pageno=1</code></p>",
        kind="search_home",
    )
    site.robots("User-agent: *\nAllow: /\n")
    return site.site(), site.pages


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def _excerpt(text: str, limit: int = 160) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"
