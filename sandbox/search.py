"""A small BM25 index over the sandbox web that answers SearXNG-style queries.

Query syntax: plain words (ranked, partial matches allowed), ``"exact phrases"`` (required),
``site:host`` or ``site:host/path`` (restricts results), ``-word`` (excludes pages).
Pages a host's robots.txt disallows are not indexed; JavaScript-only pages are indexed by
the DOM their scripts build, as a search engine that renders pages would see them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from itertools import pairwise
from typing import Any

from sandbox.model import SandboxWeb
from sandbox.vocab import ASCII_FOLD

PER_PAGE = 10
TITLE_WEIGHT = 3  # a word in the title counts as much as three in the body
K1 = 1.2
B = 0.75
SNIPPET_WORDS = 32
_WORD = re.compile(r"\w+")
_QUERY_PART = re.compile(r'(-?)(?:"([^"]*)"?|(\S+))')
_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "head"})
_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "td", "th", "tr", "h1", "h2", "h3", "h4", "br", "dt", "dd", "section",
     "article", "header", "footer", "nav", "figure", "figcaption", "address", "ul", "table"}
)  # fmt: skip
_KEEP_S = frozenset({"series", "news", "aws", "kubernetes", "analytics", "always"})


class _TextExtractor(HTMLParser):
    """Collects a document's title and its visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: list[str] = []
        self.text: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in _SKIPPED_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in _SKIPPED_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.text.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        elif not self._skip:
            self.text.append(data)


def visible_text(html: str) -> tuple[str, str]:
    """The title and the visible text of an HTML document, whitespace collapsed."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    title = " ".join("".join(parser.title).split())
    lines = ("".join(parser.text)).split("\n")
    text = " ".join(" ".join(line.split()) for line in lines if line.strip())
    return title, text


@lru_cache(maxsize=65536)
def normalize(word: str) -> str:
    """A word as the index stores it: accent-folded, lowercased, lightly stemmed."""
    folded = unicodedata.normalize("NFKD", word.translate(ASCII_FOLD).lower())
    token = "".join(ch for ch in folded if not unicodedata.combining(ch))
    if token in _KEEP_S:
        return token
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def tokenize(text: str) -> list[str]:
    """The index tokens of a text, in order."""
    return [normalize(match.group()) for match in _WORD.finditer(text)]


@dataclass(frozen=True)
class Document:
    """One indexed page."""

    url: str
    host: str
    path: str
    title: str
    text: str
    spans: tuple[tuple[int, int], ...]  # each body word's offsets in ``text``
    tokens: tuple[str, ...]  # the body's tokens, aligned with ``spans``
    title_tokens: tuple[str, ...]

    @classmethod
    def from_html(cls, url: str, host: str, path: str, html: str) -> Document:
        """Index a page's HTML."""
        title, text = visible_text(html)
        matches = list(_WORD.finditer(text))
        return cls(
            url=url,
            host=host,
            path=path,
            title=title or url,
            text=text,
            spans=tuple(m.span() for m in matches),
            tokens=tuple(normalize(m.group()) for m in matches),
            title_tokens=tuple(tokenize(title)),
        )

    def contains_phrase(self, phrase: list[str]) -> bool:
        """Whether the title or body holds the tokens consecutively."""
        return _has_run(self.tokens, phrase) or _has_run(self.title_tokens, phrase)


@dataclass
class Query:
    """A parsed query."""

    terms: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    sites: list[tuple[str, str]] = field(default_factory=list)  # (host, path prefix)
    excluded: list[str] = field(default_factory=list)


def parse_query(text: str) -> Query:
    """Split a query into ranked terms, required phrases, site: filters and exclusions."""
    query = Query()
    for match in _QUERY_PART.finditer(text):
        negated, phrase, word = match.group(1) == "-", match.group(2), match.group(3)
        if phrase is not None:
            tokens = tokenize(phrase)
            if negated:
                query.excluded += tokens
            elif tokens:
                query.phrases.append(tokens)
                query.terms += tokens
        elif word.lower().startswith("site:") and len(word) > 5:
            target = re.sub(r"^https?://", "", word[5:].lower()).rstrip("/")
            host, _, path = target.partition("/")
            query.sites.append((host.split(":")[0], f"/{path}" if path else ""))
        elif negated:
            query.excluded += tokenize(word)
        else:
            query.terms += tokenize(word)
    return query


class SearchIndex:
    """BM25 over title and body, with bigram and coverage boosts; deterministic order."""

    def __init__(self, documents: Iterable[Document]) -> None:
        self.documents = sorted(documents, key=lambda d: d.url)
        self.postings: dict[str, dict[int, float]] = {}
        lengths = []
        for number, doc in enumerate(self.documents):
            weighted: Counter[str] = Counter()
            for sequence, weight in ((doc.tokens, 1), (doc.title_tokens, TITLE_WEIGHT)):
                for token in sequence:
                    weighted[token] += weight
                for first, second in pairwise(sequence):
                    weighted[f"{first} {second}"] += weight
            for term, count in weighted.items():
                self.postings.setdefault(term, {})[number] = count
            lengths.append(len(doc.tokens) + TITLE_WEIGHT * len(doc.title_tokens))
        self.lengths = lengths
        self.average_length = (sum(lengths) / len(lengths)) if lengths else 1.0

    @classmethod
    def from_web(cls, web: SandboxWeb) -> SearchIndex:
        """Index every HTML page a well-behaved crawler may read."""
        return cls(
            Document.from_html(page.url, page.host, page.path, page.searchable_html)
            for page in web.pages.values()
            if page.is_html and page.status == 200 and not web.is_disallowed(page.url)
        )

    def __len__(self) -> int:
        return len(self.documents)

    def search(self, text: str, pageno: int = 1, per_page: int = PER_PAGE) -> dict[str, Any]:
        """Answer a query in SearXNG's JSON shape, ``per_page`` results from page ``pageno``."""
        query = parse_query(text)
        ranked = self.rank(query)
        start = (max(1, pageno) - 1) * per_page
        results = [
            {
                "url": doc.url,
                "title": doc.title,
                "content": self.snippet(doc, query),
                "engine": "sandbox",
                "engines": ["sandbox"],
                "category": "general",
                "score": round(score, 4),
                "positions": [start + offset + 1],
            }
            for offset, (doc, score) in enumerate(ranked[start : start + per_page])
        ]
        return {
            "query": text,
            "number_of_results": len(ranked),
            "results": results,
            "answers": [],
            "corrections": [],
            "infoboxes": [],
            "suggestions": [],
            "unresponsive_engines": [],
        }

    def rank(self, query: Query) -> list[tuple[Document, float]]:
        """Every matching document with its score, best first, ties broken by URL."""
        terms = list(dict.fromkeys(query.terms))
        if terms:
            candidates: set[int] = set()
            for term in terms:
                candidates.update(self.postings.get(term, {}))
        elif query.sites:
            candidates = set(range(len(self.documents)))
        else:
            return []
        bigrams = list(dict.fromkeys(f"{a} {b}" for a, b in pairwise(terms)))
        scored = []
        for number in candidates:
            doc = self.documents[number]
            if not self._passes(doc, number, query):
                continue
            if terms:
                matched = sum(1 for t in terms if number in self.postings.get(t, {}))
                bm25 = sum(self._bm25(u, number) for u in terms + bigrams)
                score = bm25 * (matched / len(terms)) ** 2
            else:
                score = 1.0 / (1 + len(doc.path))  # a bare site: query lists top pages first
            scored.append((doc, round(score, 9)))
        scored.sort(key=lambda pair: (-pair[1], pair[0].url))
        return scored

    def snippet(self, doc: Document, query: Query) -> str:
        """A window of the body around the densest cluster of query terms."""
        if not doc.tokens:
            return ""
        wanted = set(query.terms)
        running = [0]
        for token in doc.tokens:
            running.append(running[-1] + (token in wanted))
        count = len(doc.tokens)
        best_start, best_hits = 0, 0
        for start in range(max(1, count - SNIPPET_WORDS + 1)):
            hits = running[min(count, start + SNIPPET_WORDS)] - running[start]
            if hits > best_hits:
                best_start, best_hits = start, hits
        first = 0
        if best_hits:
            hit = next(i for i in range(best_start, count) if doc.tokens[i] in wanted)
            first = max(0, hit - 4)  # a few words of lead-in read better than a cut word
        last = min(count, first + SNIPPET_WORDS) - 1
        text = doc.text[doc.spans[first][0] : doc.spans[last][1]]
        prefix = "… " if first > 0 else ""
        suffix = " …" if last < count - 1 else ""
        return f"{prefix}{text}{suffix}"

    def _passes(self, doc: Document, number: int, query: Query) -> bool:
        if query.sites and not any(_site_matches(doc, host, path) for host, path in query.sites):
            return False
        if any(number in self.postings.get(term, {}) for term in query.excluded):
            return False
        return all(doc.contains_phrase(phrase) for phrase in query.phrases)

    def _bm25(self, term: str, number: int) -> float:
        posting = self.postings.get(term)
        if not posting or number not in posting:
            return 0.0
        frequency = posting[number]
        idf = math.log(1 + (len(self.documents) - len(posting) + 0.5) / (len(posting) + 0.5))
        norm = K1 * (1 - B + B * self.lengths[number] / self.average_length)
        return idf * frequency * (K1 + 1) / (frequency + norm)


def _site_matches(doc: Document, host: str, path: str) -> bool:
    if doc.host != host and not doc.host.endswith(f".{host}"):
        return False
    return not path or doc.path.startswith(path)


def _has_run(tokens: tuple[str, ...], phrase: list[str]) -> bool:
    if not phrase:
        return True
    size = len(phrase)
    first = phrase[0]
    return any(
        tokens[i] == first and list(tokens[i : i + size]) == phrase
        for i in range(len(tokens) - size + 1)
    )
