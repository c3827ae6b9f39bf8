"""The sandbox web's data model: companies, people, pages, sites and the ground truth."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal
from urllib.parse import urlsplit

REFERENCE_DATE = date(2026, 11, 1)
SEARCH_HOST = "search.test"
SEARCH_PATH = "/search"

INDUSTRIES: tuple[str, ...] = (
    "fintech",
    "healthtech",
    "edtech",
    "insurtech",
    "devtools",
    "ai_infra",
    "cybersecurity",
    "saas",
    "ecommerce",
    "climate",
    "logistics",
    "hrtech",
    "martech",
    "biotech",
)
STAGES: tuple[str, ...] = (
    "pre_seed",
    "seed",
    "series_a",
    "series_b",
    "series_c",
    "series_d",
    "growth",
    "public",
)

EmailPublished = Literal["plain", "obfuscated", "none"]
SiteKind = Literal["company", "alias", "news", "directory", "search"]


@dataclass
class Person:
    """Someone who works, or once worked, at a company."""

    id: str
    first_name: str
    last_name: str
    title: str
    role: str
    email: str
    founder: bool = False
    current: bool = True
    email_published: EmailPublished = "none"
    linkedin: str | None = None
    github: str | None = None
    x: str | None = None
    joined_on: date | None = None
    left_on: date | None = None
    on_team_page: bool = True

    @property
    def full_name(self) -> str:
        """First and last name as printed."""
        return f"{self.first_name} {self.last_name}"

    def truth(self) -> dict[str, Any]:
        """The person's ground-truth record."""
        return {
            "id": self.id,
            "full_name": self.full_name,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "title": self.title,
            "role": self.role,
            "founder": self.founder,
            "current": self.current,
            "email": self.email,
            "email_published": self.email_published,
            "on_team_page": self.on_team_page,
            "linkedin": self.linkedin,
            "github": self.github,
            "x": self.x,
        }

    @property
    def profiles(self) -> list[tuple[str, str]]:
        """The person's public profiles as (label, url), LinkedIn first."""
        found = [("LinkedIn", self.linkedin), ("GitHub", self.github), ("X", self.x)]
        return [(label, url) for label, url in found if url]


@dataclass(frozen=True)
class FundingRound:
    """One priced round (or the IPO of a public company)."""

    stage: str
    amount_text: str
    amount_usd: int
    currency: str
    announced_on: date
    lead_investor: str
    investors: tuple[str, ...] = ()

    def truth(self) -> dict[str, Any]:
        """The round's ground-truth record."""
        return {
            "stage": self.stage,
            "amount_text": self.amount_text,
            "amount_usd": self.amount_usd,
            "currency": self.currency,
            "announced_on": self.announced_on.isoformat(),
            "lead_investor": self.lead_investor,
            "investors": list(self.investors),
        }


@dataclass
class Company:
    """A company of the sandbox web with its true, current facts."""

    id: str
    name: str
    slug: str
    primary_domain: str
    industry: str
    country: str
    city: str
    founded_year: int
    rounds: list[FundingRound]
    employees: int
    engineers: int
    tech_stack: list[str]
    open_roles: list[str]
    people: list[Person]
    email_pattern: str
    tagline: str
    description: str
    alias_domains: list[str] = field(default_factory=list)
    linkedin: str | None = None
    phone: str | None = None
    phone_e164: str | None = None
    previous_employees: int | None = None  # an older headcount some old page still states
    previous_employees_on: date | None = None
    noise: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    site_facts: set[str] = field(default_factory=set)  # facts stated on its own site

    @property
    def domains(self) -> list[str]:
        """The primary domain first, then any alias domains."""
        return [self.primary_domain, *self.alias_domains]

    @property
    def latest_round(self) -> FundingRound:
        """The newest round: it defines the company's stage and funding."""
        return self.rounds[-1]

    @property
    def stage(self) -> str:
        """The current funding stage slug."""
        return self.latest_round.stage

    @property
    def current_people(self) -> list[Person]:
        """People who work at the company today."""
        return [p for p in self.people if p.current]

    def truth(self) -> dict[str, Any]:
        """The company's ground-truth record, in the documented shape."""
        latest = self.latest_round
        return {
            "id": self.id,
            "name": self.name,
            "primary_domain": self.primary_domain,
            "domains": self.domains,
            "industry": self.industry,
            "country": self.country,
            "city": self.city,
            "founded_year": self.founded_year,
            "stage": latest.stage,
            "funding_amount_usd": latest.amount_usd,
            "funding_amount_text": latest.amount_text,
            "funded_at": latest.announced_on.isoformat(),
            "employees": self.employees,
            "engineers": self.engineers,
            "tech_stack": list(self.tech_stack),
            "open_roles": list(self.open_roles),
            "linkedin": self.linkedin,
            "phone": self.phone,
            "phone_e164": self.phone_e164,
            "email_pattern": self.email_pattern,
            "people": [p.truth() for p in self.people],
            "rounds": [r.truth() for r in self.rounds],
            "noise": sorted(self.noise),
            "site_facts": sorted(self.site_facts),
            "pages": sorted(self.pages),
        }


@dataclass(frozen=True)
class Page:
    """One resource of the web as the server returns it."""

    url: str
    html: str
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    js_only: bool = False
    headers: Mapping[str, str] = field(default_factory=dict)
    kind: str = "page"
    rendered_html: str | None = None  # the DOM after scripts ran, for JS-only pages

    @property
    def charset(self) -> str:
        """The charset declared in the Content-Type, utf-8 when none is."""
        for part in self.content_type.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip().lower()
        return "utf-8"

    @property
    def host(self) -> str:
        """The page's host name."""
        return urlsplit(self.url).hostname or ""

    @property
    def path(self) -> str:
        """The page's path."""
        return urlsplit(self.url).path or "/"

    @property
    def is_html(self) -> bool:
        """Whether the page is an HTML document."""
        return self.content_type.startswith("text/html")

    @property
    def searchable_html(self) -> str:
        """What a search engine that runs scripts would see."""
        return self.rendered_html if self.rendered_html is not None else self.html

    def body(self) -> bytes:
        """The bytes on the wire, encoded in the declared charset."""
        return self.html.encode(self.charset)


@dataclass
class Site:
    """A host of the web that is not a company's own domain (news, directory, search)."""

    host: str
    kind: SiteKind
    pages: list[str] = field(default_factory=list)
    disallow: list[str] = field(default_factory=list)

    def truth(self) -> dict[str, Any]:
        """The site's ground-truth record."""
        return {"host": self.host, "kind": self.kind, "pages": sorted(self.pages)}


@dataclass(frozen=True)
class Forbidden:
    """A page behind a robots.txt Disallow whose values must never reach results."""

    url: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Redirect:
    """A redirect the server answers, host-wide (alias domains) or for one path."""

    source: str
    target: str
    status: int
    scope: Literal["host", "page"] = "page"  # "host": every path of the host redirects


@dataclass
class SandboxWeb:
    """The whole generated web: every page, the hosts' rules and the ground truth."""

    seed: int
    reference_date: date
    companies: list[Company]
    sites: list[Site]
    pages: dict[str, Page]
    host_redirects: dict[str, str] = field(default_factory=dict)
    robots_disallow: dict[str, list[str]] = field(default_factory=dict)
    forbidden: list[Forbidden] = field(default_factory=list)
    search_host: str = SEARCH_HOST
    search_path: str = SEARCH_PATH

    @property
    def hosts(self) -> list[str]:
        """Every host the server answers for, sorted."""
        found = {page.host for page in self.pages.values()}
        found.update(self.host_redirects)
        found.add(self.search_host)
        return sorted(found)

    def company(self, company_id: str) -> Company:
        """The company with this id."""
        for company in self.companies:
            if company.id == company_id:
                return company
        raise KeyError(company_id)

    def is_disallowed(self, url: str) -> bool:
        """Whether the host's robots.txt disallows this URL for every user agent."""
        parts = urlsplit(url)
        prefixes = self.robots_disallow.get(parts.hostname or "", [])
        return any((parts.path or "/").startswith(prefix) for prefix in prefixes)

    def redirects(self) -> list[Redirect]:
        """Every redirect: alias hosts first, then in-site redirects."""
        found = [
            Redirect(f"http://{alias}/", f"http://{target}/", 301, "host")
            for alias, target in sorted(self.host_redirects.items())
        ]
        found += [
            Redirect(url, page.headers["location"], page.status)
            for url, page in sorted(self.pages.items())
            if 300 <= page.status < 400
        ]
        return found

    def truth(self) -> dict[str, Any]:
        """The ground truth as a JSON-serializable dict (written as truth.json)."""
        from sandbox.icp import evaluate_icps

        companies = [company.truth() for company in self.companies]
        return {
            "seed": self.seed,
            "reference_date": self.reference_date.isoformat(),
            "search_path": self.search_path,
            "search_host": self.search_host,
            "companies": companies,
            "sites": [site.truth() for site in self.sites],
            "forbidden": [{"url": f.url, "values": list(f.values)} for f in self.forbidden],
            "js_only_pages": sorted(url for url, page in self.pages.items() if page.js_only),
            "redirects": [
                {"from": r.source, "to": r.target, "status": r.status, "scope": r.scope}
                for r in self.redirects()
            ],
            "icps": evaluate_icps(companies),
        }
