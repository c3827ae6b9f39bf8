"""Assemble drawn companies into a whole web: company sites, aliases, news, directories."""

from __future__ import annotations

import random
from datetime import date

from faker import Faker

from sandbox import external, vocab
from sandbox.model import (
    SEARCH_HOST,
    SEARCH_PATH,
    Company,
    Forbidden,
    Page,
    SandboxWeb,
    Site,
)
from sandbox.render import Bait, CompanySite, draw_style
from sandbox.text import esc

BAIT_TITLES: tuple[str, ...] = ("Board Member", "Observer", "Interim CFO", "Chair")


def build_web(seed: int, ref: date, companies: list[Company]) -> SandboxWeb:
    """Render every site for the drawn companies and collect the web."""
    pages: dict[str, Page] = {}
    sites: list[Site] = []
    company_sites: list[CompanySite] = []
    for company in companies:
        rng = random.Random(f"{seed}:site:{company.id}")
        style = draw_style(rng, company)
        site = CompanySite(company, style, ref, rng, _address(rng, company))
        _add(pages, site.render())
        company_sites.append(site)
    for builder in (
        lambda: external.build_news(seed, ref, companies),
        lambda: external.build_dealbase(seed, companies),
        lambda: external.build_eu_directory(seed, companies),
        lambda: external.build_search_home(SEARCH_HOST, SEARCH_PATH),
    ):
        site_record, site_pages = builder()
        sites.append(site_record)
        _add(pages, site_pages)

    forbidden = _plant_bait(seed, pages, company_sites)
    host_redirects: dict[str, str] = {}
    for company in companies:
        forbidden += _alias_site(pages, host_redirects, company, forbidden)
    robots = {
        page.host: disallowed_paths(page.html) for page in pages.values() if page.kind == "robots"
    }
    for company in companies:
        company.pages = sorted(
            url
            for url, page in pages.items()
            if page.host in company.domains
            and page.status == 200
            and page.is_html
            and page.kind != "private"
        )
    return SandboxWeb(
        seed=seed,
        reference_date=ref,
        companies=companies,
        sites=sites,
        pages=dict(sorted(pages.items())),
        host_redirects=host_redirects,
        robots_disallow={host: rules for host, rules in sorted(robots.items()) if rules},
        forbidden=sorted(forbidden, key=lambda f: f.url),
    )


def disallowed_paths(robots: str) -> list[str]:
    """The Disallow prefixes of the ``User-agent: *`` group of a robots.txt."""
    rules: list[str] = []
    agents: list[str] = []
    in_rules = False
    for raw in robots.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or ":" not in line:
            continue
        key, _, value = (part.strip() for part in line.partition(":"))
        key = key.lower()
        if key == "user-agent":
            if in_rules:
                agents, in_rules = [], False
            agents.append(value)
        elif key in {"allow", "disallow"}:
            in_rules = True
            if key == "disallow" and value and "*" in agents:
                rules.append(value)
    return rules


def _add(pages: dict[str, Page], new: list[Page]) -> None:
    for page in new:
        if page.url in pages:
            raise RuntimeError(f"two pages at {page.url}")
        pages[page.url] = page


def _address(rng: random.Random, company: Company) -> str:
    country = vocab.COUNTRIES[company.country]
    faker = vocab.faker_for(country.locale)
    faker.seed_instance(rng.getrandbits(32))
    return f"{faker.street_address()}, {faker.postcode()} {company.city}, {country.name}"


def _plant_bait(seed: int, pages: dict[str, Page], sites: list[CompanySite]) -> list[Forbidden]:
    """Render the robots-disallowed pages with values that appear nowhere else."""
    corpus = "\n".join(page.searchable_html for page in pages.values())
    forbidden: list[Forbidden] = []
    for site in sites:
        if "robots_private" not in site.company.noise:
            continue
        rng = random.Random(f"{seed}:bait:{site.company.id}")
        bait = _draw_bait(rng, site.company, corpus)
        page = site.private_page(bait)
        _add(pages, [page])
        forbidden.append(Forbidden(page.url, bait.values))
    return forbidden


def _draw_bait(rng: random.Random, company: Company, corpus: str) -> Bait:
    faker = Faker("en_US")  # a dedicated instance: bait must not disturb shared Fakers
    for _ in range(100):
        faker.seed_instance(rng.getrandbits(32))
        people = []
        for title in rng.sample(BAIT_TITLES, 2):
            first, last = faker.first_name(), faker.last_name()
            email = f"{first.lower()}.{last.lower()}.board@{company.primary_domain}"
            people.append((f"{first} {last}", title, email))
        phone = f"+1 555 01{rng.randint(10, 99)} {rng.randint(1000, 9999)}"
        bait = Bait(tuple(people), phone, rng.randint(900, 9999))
        if not any(value in corpus for value in bait.values):
            return bait
    raise RuntimeError(f"no unique bait for {company.name}")  # pragma: no cover


def _alias_site(
    pages: dict[str, Page],
    host_redirects: dict[str, str],
    company: Company,
    forbidden: list[Forbidden],
) -> list[Forbidden]:
    """Serve the company's alias domain as a redirect, a mirror or a thin landing page.

    Returns the forbidden pages a mirror copied (they are as off limits as the originals).
    """
    copied: list[Forbidden] = []
    primary = company.primary_domain
    for alias in company.alias_domains:
        if "alias_redirect" in company.noise:
            host_redirects[alias] = primary
        elif "alias_mirror" in company.noise:
            originals = [page for page in pages.values() if page.host == primary]
            _add(pages, [_rehost(page, primary, alias) for page in originals])
            copied += [
                Forbidden(_swap_host(f.url, primary, alias), f.values)
                for f in forbidden
                if f.url.startswith(f"http://{primary}/")
            ]
        else:
            _add(pages, _thin_site(company, alias))
    return copied


def _swap_host(url: str, old: str, new: str) -> str:
    return url.replace(f"//{old}", f"//{new}", 1)


def _rehost(page: Page, primary: str, alias: str) -> Page:
    return Page(
        url=_swap_host(page.url, primary, alias),
        html=page.html,
        content_type=page.content_type,
        status=page.status,
        js_only=page.js_only,
        headers=dict(page.headers),
        kind=page.kind,
        rendered_html=page.rendered_html,
    )


def _thin_site(company: Company, alias: str) -> list[Page]:
    primary = company.primary_domain
    html = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(company.name)}</title>\n</head>\n<body>\n"
        f"<h1>{esc(company.name)}</h1>\n<p>{esc(company.tagline)}</p>\n"
        f'<p>{esc(company.name)} has a new home: <a href="http://{primary}/">{primary}</a>.</p>\n'
        "</body>\n</html>\n"
    )
    return [
        Page(url=f"http://{alias}/", html=html, kind="home"),
        Page(
            url=f"http://{alias}/robots.txt",
            html="User-agent: *\nAllow: /\n",
            content_type="text/plain; charset=utf-8",
            kind="robots",
        ),
    ]
