"""What kind of page a page is: from its URL first, then its structured data and content."""

from __future__ import annotations

import re
from collections.abc import Collection
from urllib.parse import urlsplit

from research.extract.types import PageKind

Rules = tuple[tuple[PageKind, re.Pattern[str]], ...]


def _rules(pairs: tuple[tuple[PageKind, str], ...], flags: int = 0) -> Rules:
    return tuple((kind, re.compile(pattern, flags)) for kind, pattern in pairs)


# Path rules, first match wins; patterns run on the lowercased path.
_SECTION = r"(?:\.html?|\.php|\.aspx?)?/?$"
PATH_RULES: Rules = _rules(
    (
        ("home", rf"^/?(?:index|home|default){_SECTION}|^/?$"),
        ("job", r"/(?:careers|jobs|job|join-us|positions|openings|vacancies)/(?:.+/)?[^/]+/?$"),
        (
            "careers",
            rf"/(?:careers|jobs|join-us|join|work-with-us|hiring|open-positions){_SECTION}",
        ),
        (
            "team",
            rf"/(?:team|our-team|the-team|people|leadership|management|founders|staff"
            rf"|team-members|meet-the-team){_SECTION}",
        ),
        ("about", rf"/(?:about|about-us|company|who-we-are|our-story|mission){_SECTION}"),
        (
            "directory",
            r"/(?:organization|organisation|companies|company-profile|startups|startup"
            r"|profile|profiles|org|directory)/[^/]+/?$",
        ),
        ("news", r"/(?:19|20)\d{2}/\d{2}/\d{2}/[^/]+"),
        (
            "press",
            r"/(?:press|news|blog|newsroom|media|stories|insights|updates|articles|posts)"
            r"(?:/|\.html?$|$)",
        ),
    )
)
# schema.org types that decide the kind on their own.
STRUCTURED_KINDS: dict[str, PageKind] = {
    "JobPosting": "job",
    "NewsArticle": "news",
    "ReportageNewsArticle": "news",
    "BlogPosting": "press",
    "PressRelease": "press",
    "ProfilePage": "directory",
    "AboutPage": "about",
}
LISTING_ARTICLES = 3
_FIRST_PERSON = re.compile(r"\b(?:we|we're|we've|our|us)\b", re.IGNORECASE)


def classify_page(
    url: str,
    *,
    title: str | None,
    headline: str | None,
    structured_types: Collection[str] = (),
    site_name: str | None = None,
    article_count: int = 0,
) -> PageKind:
    """The page kind: home, about, team, careers, job, press, news, directory or other.

    A dated article is 'press' when the site speaks about itself (its name in the headline,
    or 'we'/'our') and 'news' when it reports on someone else.
    """
    for schema_type, schema_kind in STRUCTURED_KINDS.items():
        if schema_type in structured_types:
            return schema_kind
    path = urlsplit(url).path.lower() or "/"
    kind: PageKind | None = next((k for k, rule in PATH_RULES if rule.search(path)), None)
    if kind in {"press", "news"} and article_count <= 1:
        return _article_kind(kind, headline or title or "", site_name)
    if article_count >= LISTING_ARTICLES and kind not in {"home", "press", "news"}:
        return "other"  # a listing of stories ("/people" on a news site) is not a team page
    if kind is not None:
        return kind
    if article_count == 1 and headline:
        return _article_kind("news", headline, site_name)
    return _kind_from_title(title or "")


def _article_kind(default: PageKind, headline: str, site_name: str | None) -> PageKind:
    """A story the site tells about itself is press; about someone else, the default."""
    about_itself = bool(site_name and site_name.lower() in headline.lower())
    return "press" if about_itself or _FIRST_PERSON.search(headline) else default


TITLE_WORDS: Rules = _rules(
    (
        ("careers", r"\b(?:careers|jobs|open positions|join us|we're hiring)\b"),
        ("team", r"\b(?:our team|meet the team|leadership|the people behind)\b"),
        ("about", r"\babout\b"),
    ),
    re.IGNORECASE,
)


def _kind_from_title(title: str) -> PageKind:
    for kind, words in TITLE_WORDS:
        if words.search(title):
            return kind
    return "other"
