"""What extraction finds on a page: claims, each with the snippet that states it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

PageKind = Literal["home", "about", "team", "careers", "job", "press", "news", "directory", "other"]


class FundingClaim(BaseModel):
    """A funding round as a page states it."""

    stage: str | None = Field(default=None, description="pre_seed, seed, series_a ... public.")
    amount_text: str | None = Field(default=None, description="As printed, e.g. '€11M'.")
    amount_usd: int | None = None
    date: str | None = Field(default=None, description="YYYY-MM-DD or YYYY-MM when stated.")


class CompanyClaims(BaseModel):
    """Company facts a page states. Absent means the page does not say."""

    name: str | None = None
    domain: str | None = None
    hq_city: str | None = None
    hq_country: str | None = Field(default=None, description="ISO 3166-1 alpha-2.")
    industry: str | None = Field(default=None, description="The planner's industry slugs.")
    founded_year: int | None = None
    funding: list[FundingClaim] = Field(default_factory=list)
    employees: int | None = None
    engineers: int | None = None
    customers: int | None = Field(default=None, description="Customers the page says it has.")
    locations: int | None = Field(default=None, description="Offices, sites or stores.")
    tech_stack: list[str] = Field(default_factory=list)
    open_roles: list[str] = Field(default_factory=list)
    linkedin: str | None = None
    phone: str | None = Field(default=None, description="E.164.")


class PersonClaim(BaseModel):
    """A person a page names, with their title there."""

    full_name: str
    title: str | None = None
    email: str | None = None
    linkedin: str | None = None
    current: bool = Field(
        default=True,
        description="False when the page says they left or were 'former'.",
    )
    snippet: str = Field(default="", description="The text that names them.")


class EmailClaim(BaseModel):
    """An email address on a page, plain or obfuscated."""

    address: str
    obfuscated: bool = False
    owner: str | None = Field(default=None, description="Full name it belongs to, if clear.")


class PageFacts(BaseModel):
    """Everything extracted from one page."""

    url: str
    kind: PageKind = "other"
    title: str | None = None
    text: str = Field(description="Visible text; values are grounded against it.")
    published: str | None = Field(default=None, description="Date of a post, YYYY-MM-DD.")
    company: CompanyClaims = Field(default_factory=CompanyClaims)
    people: list[PersonClaim] = Field(default_factory=list)
    emails: list[EmailClaim] = Field(default_factory=list)
    links: list[str] = Field(default_factory=list, description="Absolute links, in page order.")
    external_domains: list[str] = Field(
        default_factory=list, description="Registrable domains linked from the page."
    )
