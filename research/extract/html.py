"""HTML plumbing: parsing, the visible text of a page, its links and its structured data.

The visible text is rendered from the DOM, one line per block, with table cells separated by
``" | "``: it must hold everything a reader sees (navigation, headings, table cells, list
items, the footer), because every extracted value is grounded against it. trafilatura's
main-content extraction drops headings and footers by design, so it only stands in when the
DOM renders to nothing (a page lxml could not make sense of).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urljoin, urlsplit

import extruct
import trafilatura
from lxml import etree
from lxml import html as lxml_html

# Elements whose content a reader never sees.
SKIPPED_TAGS = frozenset(
    {"script", "style", "noscript", "template", "head", "title", "svg", "canvas", "iframe"}
    | {"object", "embed", "select", "datalist", "meta", "link"}
)
# Elements that start and end a line of text.
BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog"}
    | {"div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2"}
    | {"h3", "h4", "h5", "h6", "header", "hr", "html", "legend", "li", "main", "nav", "ol"}
    | {"p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul"}
)
CELL_TAGS = frozenset({"td", "th"})
DATED_ENTRY_TAGS = frozenset({"li", "article", "tr", "p", "div", "section"})
CELL_SEPARATOR = " | "

# Links whose target a reader sees by following them: the address or profile they point to
# is written after the label ("Email (jane@acme.test)"), so values taken from them ground.
PROFILE_HOSTS: tuple[str, ...] = (
    "linkedin.com",
    "x.com",
    "twitter.com",
    "github.com",
    "facebook.com",
    "instagram.com",
    "youtube.com",
)

_SPACES = re.compile(r"[\s\u00a0\u200b]+")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_DATE_IN_PATH = re.compile(r"/(20\d{2}|19\d{2})/(\d{2})/(\d{2})(?:/|$)")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_LABEL_LINE = re.compile(r"^([A-Z][A-Za-z ]{1,24}):\s+([^.!?]{1,60})$")
STRUCTURED_SYNTAXES = ["json-ld", "microdata"]
STRUCTURED_MARKER = "Structured data:"
# Structured-data properties too technical to be worth grounding against.
SKIPPED_PROPERTIES = frozenset({"@context", "@id", "logo", "image"})


def squash(text: str) -> str:
    """Whitespace runs (non-breaking spaces included) to one space, trimmed."""
    return _SPACES.sub(" ", text).strip()


def parse_html(markup: str) -> lxml_html.HtmlElement:
    """An lxml tree for any markup, empty or broken included."""
    cleaned = _XML_DECLARATION.sub("", markup or "")
    if not cleaned.strip():
        cleaned = "<html><body></body></html>"
    try:
        return lxml_html.document_fromstring(cleaned)
    except (etree.ParserError, ValueError):
        return lxml_html.document_fromstring("<html><body></body></html>")


def tag_of(element: Any) -> str | None:
    """The lowercase tag of an element; None for comments and processing instructions."""
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else None


def element_text(element: lxml_html.HtmlElement) -> str:
    """The visible text inside an element, squashed to one line."""
    return squash(" ".join(_visible_strings(element)))


def _visible_strings(
    element: lxml_html.HtmlElement, skip: Callable[[lxml_html.HtmlElement], bool] | None = None
) -> Iterator[str]:
    """The text strings a reader sees inside an element; ``skip`` leaves out whole elements
    (their tails stay)."""
    walker = etree.iterwalk(element, events=("start", "end"))
    for event, node in walker:
        tag = tag_of(node)
        if event == "start":
            if tag in SKIPPED_TAGS or tag is None or (skip is not None and skip(node)):
                walker.skip_subtree()
            elif node.text:
                yield node.text
        elif node is not element and node.tail:
            yield node.tail


def render_lines(
    root: lxml_html.HtmlElement, skip: Callable[[lxml_html.HtmlElement], bool] | None = None
) -> list[str]:
    """The page as a reader sees it: one line per block, table cells joined by ' | '.

    ``skip`` leaves out whole elements (their tails stay).
    """
    lines: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        line = squash("".join(buffer))
        buffer.clear()
        if line and line != CELL_SEPARATOR.strip():
            lines.append(line.strip(" |") if line.startswith("|") else line)

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, node in walker:
        tag = tag_of(node)
        if event == "start":
            if tag is None or tag in SKIPPED_TAGS or (skip is not None and skip(node)):
                walker.skip_subtree()
                continue
            if tag in BLOCK_TAGS or tag == "br":
                flush()
            elif tag in CELL_TAGS and squash("".join(buffer)):
                buffer.append(CELL_SEPARATOR)
            if node.text:
                buffer.append(node.text)
            continue
        if tag == "a":
            buffer.append(_link_annotation(node))
        if not node.tail:
            # Elements set side by side ("<span>…test</span><a>LinkedIn</a>") read apart.
            buffer.append(" ")
        if tag in BLOCK_TAGS:
            flush()
        elif tag in CELL_TAGS:
            buffer.append(" ")
        if node is not root and node.tail:
            buffer.append(node.tail)
    flush()
    return lines


def _link_annotation(anchor: lxml_html.HtmlElement) -> str:
    href = (anchor.get("href") or "").strip()
    label = element_text(anchor)
    if href.lower().startswith("mailto:"):
        address = href[7:].split("?", 1)[0].strip()
        return "" if not address or address.lower() in label.lower() else f" ({address})"
    host = (urlsplit(href).hostname or "").lower() if href.startswith("http") else ""
    is_profile = any(host == h or host.endswith(f".{h}") for h in PROFILE_HOSTS)
    if is_profile and href not in label:
        return f" ({href})"
    return ""


@dataclass
class Document:
    """A parsed page: its tree, what a reader sees, links, head metadata, structured data."""

    url: str
    markup: str
    root: lxml_html.HtmlElement = field(init=False)

    def __post_init__(self) -> None:
        self.root = parse_html(self.markup)

    @cached_property
    def base_url(self) -> str:
        """The URL relative links resolve against (a <base href> wins over the page URL)."""
        for base in self.root.iter("base"):
            href = (base.get("href") or "").strip()
            if href:
                return urljoin(self.url, href)
        return self.url

    @cached_property
    def lines(self) -> list[str]:
        """The visible text, one line per block."""
        lines = render_lines(self.root)
        if not lines:
            fallback = trafilatura.extract(
                self.markup, favor_recall=True, include_tables=True, include_comments=False
            )
            lines = [squash(line) for line in (fallback or "").splitlines() if squash(line)]
        return lines

    @cached_property
    def content_lines(self) -> list[str]:
        """The visible lines outside navigation: menus, breadcrumbs and bars of links.

        A reader looks for a page's people in what it says, not in the links that lead
        elsewhere ("Insurance Tips", "Image Library"); grounding still uses every line.
        """
        if not render_lines(self.root):
            return self.lines  # nothing rendered from the DOM: the fallback text is all there is
        return render_lines(self.root, skip=is_navigation)

    @cached_property
    def undated_lines(self) -> list[str]:
        """The visible lines outside dated entries (a list item or card holding a <time>).

        On an undated page, an entry such as "16 people and counting · 14.09.2023" held on
        its date, not now.
        """
        return render_lines(self.root, skip=_is_dated_entry)

    @cached_property
    def text(self) -> str:
        """The visible text, lines joined by newlines."""
        return "\n".join(self.lines)

    @cached_property
    def grounding_text(self) -> str:
        """The visible text, then the structured data as lines: what the page states."""
        lines = [_structured_line(item) for item, _ in walk_items(self.structured)]
        lines = [line for line in lines if line]
        return "\n".join([self.text, STRUCTURED_MARKER, *lines]) if lines else self.text

    @cached_property
    def title(self) -> str | None:
        """The document title, else og:title, else the first <h1>."""
        for element in self.root.iter("title"):
            text = squash(element.text_content())
            if text:
                return text
        og_title = self.meta("og:title")
        if og_title:
            return og_title
        for heading in self.root.iter("h1"):
            text = element_text(heading)
            if text:
                return text
        return None

    @cached_property
    def _meta(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for element in self.root.iter("meta"):
            key = (element.get("property") or element.get("name") or "").strip().lower()
            value = squash(element.get("content") or "")
            if key and value:
                found.setdefault(key, value)
        return found

    def meta(self, key: str) -> str | None:
        """A <meta name|property> value."""
        return self._meta.get(key.lower())

    @cached_property
    def anchors(self) -> list[tuple[str, lxml_html.HtmlElement]]:
        """Every (absolute http link, anchor element), in page order."""
        found = []
        for anchor in self.root.iter("a"):
            href = (anchor.get("href") or "").strip()
            if not href or href.startswith("#"):
                continue
            absolute = urljoin(self.base_url, href)
            if absolute.startswith(("http://", "https://")):
                found.append((absolute.split("#", 1)[0], anchor))
        return found

    @cached_property
    def links(self) -> list[str]:
        """Absolute http(s) links, in page order, each once."""
        return list(dict.fromkeys(url for url, _ in self.anchors))

    def hrefs(self, scheme: str) -> list[tuple[str, lxml_html.HtmlElement]]:
        """(target, anchor) of links with a scheme such as 'mailto' or 'tel'."""
        prefix = f"{scheme}:"
        found = []
        for anchor in self.root.iter("a"):
            href = (anchor.get("href") or "").strip()
            if href.lower().startswith(prefix):
                found.append((href[len(prefix) :].split("?", 1)[0].strip(), anchor))
        return found

    @cached_property
    def labelled(self) -> list[tuple[str, str]]:
        """(label, value) pairs the page lays out: <dl> entries, two-cell rows, 'Label: value'."""
        pairs: list[tuple[str, str]] = []
        for term in self.root.iter("dt"):
            values = []
            for sibling in term.itersiblings():
                if tag_of(sibling) != "dd":
                    break
                values.append(element_text(sibling))
            if values:
                pairs.append((element_text(term), " ".join(values)))
        for row in self.root.iter("tr"):
            cells = [c for c in row if tag_of(c) in CELL_TAGS]
            if len(cells) == 2 and tag_of(cells[0]) == "th":
                pairs.append((element_text(cells[0]), element_text(cells[1])))
        for line in self.lines:
            match = _LABEL_LINE.match(line)
            if match:
                pairs.append((match.group(1), match.group(2)))
        return [(squash(label).rstrip(":").lower(), squash(value)) for label, value in pairs]

    @cached_property
    def structured(self) -> list[dict[str, Any]]:
        """JSON-LD and microdata items, flattened out of @graph, in schema.org's uniform shape."""
        if not self.markup.strip():
            return []
        try:
            data = extruct.extract(
                self.markup, base_url=self.url, syntaxes=STRUCTURED_SYNTAXES, uniform=True
            )
        except (ValueError, TypeError, KeyError, AttributeError, etree.ParserError):
            return []  # unreadable structured data is no statement at all
        items: list[dict[str, Any]] = []
        for syntax in STRUCTURED_SYNTAXES:
            for item in data.get(syntax, []):
                items.extend(_flatten_graph(item))
        return items

    @cached_property
    def published(self) -> str | None:
        """The date the page was published, YYYY-MM-DD, when it states one."""
        for item in self.structured:
            value = first_text(item.get("datePublished"))
            if value and (day := iso_day(value)):
                return day
        for key in ("article:published_time", "date", "pubdate", "dc.date"):
            value = self.meta(key)
            if value and (day := iso_day(value)):
                return day
        day = self._article_time()
        if day:
            return day
        match = _DATE_IN_PATH.search(urlsplit(self.url).path)
        return "-".join(match.groups()) if match else None

    def _article_time(self) -> str | None:
        # A single <article> (or a single <time> on the page) dates the page; a listing of
        # many dated posts does not.
        articles = list(self.root.iter("article"))
        scope = articles[0] if len(articles) == 1 else self.root
        times = [t for t in scope.iter("time") if t.get("datetime")]
        if len(times) == 1 or (len(articles) == 1 and times):
            return iso_day(times[0].get("datetime") or "")
        return None


_NAVIGATION_ROLES = frozenset({"navigation", "menu", "menubar", "tablist"})
_NAVIGATION_CLASS = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|menubar|submenu|breadcrumbs?|crumbs?|sitemap)"
    r"(?:$|[\s_-])",
    re.IGNORECASE,
)
_LINK_BAR_TAGS = frozenset({"ul", "ol", "div", "p", "td", "span", "table", "section"})
MIN_LINK_BAR_LINKS = 3
MAX_LINK_LABEL_WORDS = 6
_SEPARATOR_TEXT = re.compile(r"^[\s|•·/\\>»›:,;\-–—*]*$")


def is_navigation(element: lxml_html.HtmlElement) -> bool:
    """Whether an element is navigation: a <nav>, a menu or breadcrumb by its role or class,
    or a bar of short links with nothing but separators between them ("Home | About | Contact")."""
    tag = tag_of(element)
    if tag == "nav" or (element.get("role") or "").strip().lower() in _NAVIGATION_ROLES:
        return True
    if tag in {"body", "html", "main", "article"}:
        return False
    names = f"{element.get('class') or ''} {element.get('id') or ''}"
    if _NAVIGATION_CLASS.search(names):
        return True
    return tag in _LINK_BAR_TAGS and _is_link_bar(element)


def _is_link_bar(element: lxml_html.HtmlElement) -> bool:
    """Three or more short links, and no text outside them but separators."""
    labels = []
    for anchor in element.iter("a"):
        href = (anchor.get("href") or "").strip().lower()
        label = element_text(anchor)
        if href.startswith(("mailto:", "tel:")) or len(label.split()) > MAX_LINK_LABEL_WORDS:
            return False
        if label:
            labels.append(label)
    if len(labels) < MIN_LINK_BAR_LINKS:
        return False
    outside = "".join(_visible_strings(element, skip=lambda node: tag_of(node) == "a"))
    return bool(_SEPARATOR_TEXT.match(outside))


def _is_dated_entry(element: lxml_html.HtmlElement) -> bool:
    return tag_of(element) in DATED_ENTRY_TAGS and any(tag_of(child) == "time" for child in element)


def _structured_line(item: dict[str, Any]) -> str:
    """One schema.org item as a line: 'Person — name: Jane Doe · jobTitle: CTO'."""
    kind = "/".join(sorted(types_of(item))) or "Thing"
    parts = []
    for key, value in item.items():
        if key in SKIPPED_PROPERTIES or key == "@type":
            continue
        # A nested item reads as its name or value ("founder: Jane Doe, John Smith").
        texts = [first_text(v) for v in as_list(value)]
        joined = ", ".join(t for t in texts if t)
        if joined:
            parts.append(f"{key}: {joined}")
    return f"{kind} — {' · '.join(parts)}" if parts else ""


def _flatten_graph(item: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(item, dict):
        return
    graph = item.get("@graph")
    if isinstance(graph, list):
        for node in graph:
            yield from _flatten_graph(node)
    else:
        yield item


def iso_day(value: str) -> str | None:
    """The YYYY-MM-DD a datetime string starts with."""
    match = _ISO_DATE.match(value.strip())
    return "-".join(match.groups()) if match else None


def first_text(value: Any) -> str | None:
    """A structured-data value as one string: the first of a list, '@value' or 'name'."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value", value.get("name", value.get("value")))
    if value is None:
        return None
    text = squash(str(value))
    return text or None


def as_list(value: Any) -> list[Any]:
    """A structured-data value as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def types_of(item: dict[str, Any]) -> set[str]:
    """The schema.org types of an item, without their namespace."""
    return {str(t).rsplit("/", 1)[-1] for t in as_list(item.get("@type"))}


def walk_items(items: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], str | None]]:
    """Every item and nested item, with the property that holds it ('employee', 'founder')."""
    stack: list[tuple[Any, str | None]] = [(item, None) for item in reversed(items)]
    while stack:
        node, holder = stack.pop()
        if not isinstance(node, dict):
            continue
        yield node, holder
        for key, value in node.items():
            if key.startswith("@"):
                continue
            for child in reversed(as_list(value)):
                if isinstance(child, dict):
                    stack.append((child, key))
