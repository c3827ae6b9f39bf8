"""People a page names with their titles: structured data, team listings, prose and posts.

Readers, from most to least explicit:

* structured data: schema.org ``Person`` items (an Organization's ``employee`` and
  ``founder`` arrays included);
* records: a name alone in an element and a title alone in another, inside the smallest
  element that holds no other name (a card, a row, a list item, a figure, a ``<dl>`` entry);
* prose: a name and a title linked by the words between them ("Jane Doe is our CTO",
  "Acme appoints Jane Doe as CTO", "our former CTO, John Smith, has left"), and founder lists
  ("founded in 2019 by Jane Doe and John Smith", a "Founders" label over names).

A person is only ever a name the page prints, with a title the page prints beside it: a
heading or a product name never becomes one, because nothing links it to a title.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, replace

from lxml import html as lxml_html

from research.domains import domain_label
from research.extract.contacts import find_emails, is_role_mailbox, normalize_email, social_link
from research.extract.html import (
    BLOCK_TAGS,
    SKIPPED_TAGS,
    Document,
    as_list,
    element_text,
    first_text,
    is_navigation,
    squash,
    tag_of,
    types_of,
    walk_items,
)
from research.extract.lexicon import (
    has_given_name,
    is_shared_inbox,
    looks_like_title,
    strip_honorifics,
)
from research.extract.names import (
    NameSpan,
    find_names,
    fold,
    is_person_name,
    name_key,
    name_words,
    names_a_place_or_page,
)
from research.extract.records import read_layout, spells_name
from research.extract.rosters import script_people
from research.extract.titles import TitleSpan, as_title, title_spans
from research.extract.types import PersonClaim

# Where a claim was read, best first: a title from structured data beats one from prose.
READERS: tuple[str, ...] = ("structured", "record", "prose", "founders", "layout", "sentence")
# Structured-data properties that hold people of the organization, and the title they imply.
PEOPLE_PROPERTIES: dict[str, str | None] = {
    "employee": None,
    "employees": None,
    "member": None,
    "members": None,
    "founder": "Founder",
    "founders": "Founder",
}
MAX_RECORD_TEXT = 600
RECORD_TAGS = frozenset({"li", "tr", "figure", "article", "dd"})
MAX_NAME_ELEMENT_CHILDREN = 2
FOUNDER_TITLE = "Founder"
COFOUNDER_TITLE = "Co-founder"
# Readers that find a name alone in its element or line, its title alone in another.
STANDALONE_READERS = frozenset({"record", "layout"})


@dataclass(frozen=True, slots=True)
class Found:
    """One reading of a person on the page."""

    name: str
    title: str | None
    reader: str
    snippet: str
    current: bool = True
    email: str | None = None
    linkedin: str | None = None


def extract_people(doc: Document, *, not_people: Collection[str] = ()) -> list[PersonClaim]:
    """Everyone the page names with a title, each once; the most explicit reading's title."""
    readings = [
        *_structured_people(doc, not_people),
        *_record_people(doc, not_people),
        *_prose_people(doc.content_lines, not_people),
        *_labelled_founders(doc, not_people),
    ]
    layout = read_layout(doc, tuple(not_people))
    # Quotation authors and customers named after a title are nobody's staff on this page.
    readings = [r for r in readings if r.reader == "structured" or r.name not in layout.not_staff]
    readings += [
        Found(r.name, r.title, r.reader, r.snippet, r.current, r.email) for r in layout.readings
    ]
    stated = fold(doc.grounding_text)
    readings = [r for r in readings if _printed(r.name, stated)]
    # A roster a script renders is stated in the page's source, as structured data is.
    readings += [
        Found(r.name, r.title, r.reader, r.snippet, r.current, r.email)
        for r in script_people(doc, not_people)
    ]
    readings = [_own_email(_without_greeting(r)) for r in readings]
    readings = [r for r in readings if _reads_as_person(r)]
    own = [*not_people, domain_label(doc.url) or ""]
    readings = [r for r in readings if not _held_elsewhere(r, own)]
    # "Atlas Robotics Appoints Dana Whitfield": a headline that opens with the company.
    companies = [fold(n) + " " for n in not_people if n]
    readings = [r for r in readings if not fold(r.name).startswith(tuple(companies))]
    return _with_spelled_addresses(_merge(readings), _page_addresses(doc))


def _spells_given_name(address: str, name: str) -> bool:
    """Whether an address spells the name with its given name or initial ('steve@',
    'j.doe@'): a family name alone ('harris@harrisdental…') is how a family firm writes
    its shared inbox, and the firm's name is in the domain."""
    if not spells_name(address, name):
        return False
    local, _, host = fold(address).partition("@")
    letters = re.sub(r"[^a-z]", "", local)
    words = [re.sub(r"[^a-z]", "", w) for w in name_words(strip_honorifics(name))]
    words = [w for w in words if w]
    if not words or not letters or letters in re.sub(r"[^a-z]", "", host):
        return False
    return letters.startswith(words[0][0]) and letters != words[-1]


def _page_addresses(doc: Document) -> list[str]:
    """Every personal address the page prints: in a mailto link or in its text."""
    found = [normalize_email(target) for target, _ in doc.hrefs("mailto")]
    found += [email.address for email in find_emails(doc.text)]
    personal = (a for a in found if a and not is_shared_inbox(a) and not is_role_mailbox(a))
    return list(dict.fromkeys(personal))


def _with_spelled_addresses(claims: list[PersonClaim], addresses: list[str]) -> list[PersonClaim]:
    """A person's address printed elsewhere on the page ('Email: steve@flintandson.co.uk'
    under 'please contact Steve Flint'): theirs when it spells their name and no one else's."""
    taken = {claim.email for claim in claims if claim.email}
    free = [address for address in addresses if address not in taken]
    result = []
    for claim in claims:
        if claim.email is None:
            spelled = [a for a in free if _spells_given_name(a, claim.full_name)]
            others = [c for c in claims if c is not claim]
            if len(spelled) == 1 and not any(spells_name(spelled[0], c.full_name) for c in others):
                claim = claim.model_copy(update={"email": spelled[0]})
        result.append(claim)
    return result


def _reads_as_person(reading: Found) -> bool:
    """Whether the page gives a reader reason to take the name for a person's.

    Capitalized words are not enough ("Insurance Tips", "Whatcom County"): the name must open
    with a known given name, or have an address that spells it, or stand alone in a record
    beside a real job title, or come from structured data.
    """
    if reading.reader == "structured":
        return True
    if reading.title is not None and names_a_place_or_page(reading.title):
        return False  # "Park Guidelines" / "Home", "Ace Braces" / "Portlaoise Road"
    if has_given_name(reading.name):
        return True
    if reading.email and spells_name(reading.email, reading.name):
        return True
    return (
        reading.reader in STANDALONE_READERS
        and reading.title is not None
        and looks_like_title(reading.title)
    )


# The rest of a clause after a name that places its role at an organization: "… is Head of
# Admissions at IE Business School", "… ist Referentin bei der Stadtwerke Ulm".
_ROLE_AT = re.compile(
    r"^[^.;:,!?()]{0,100}?\s(?:at|bei|chez|bij|hos)\s+(?:(?:the|der|die|dem|la|le|l['’]|de)\s*)?"
    r"(?P<org>[A-ZÀ-Ý][\w&'’-]*)"
)
# Words that make the organization a past one or a path to this one ("spent six years at").
_PAST_CLAUSE = re.compile(
    r"\b(?:was|were|previously|formerly|before|after|prior|spent|worked|years|joined|joining"
    r"|from|war|zuvor|vorher|avant|auparavant|était|antes|fue|trabajó|daarvoor|voorheen)\b",
    re.IGNORECASE,
)


def _held_elsewhere(reading: Found, own: Collection[str]) -> bool:
    """Whether the sentence naming the person places their role at another organization
    ('Dirk Laschke is responsible for Marketing at the Kuehne Logistics University')."""
    if reading.reader == "structured":
        return False
    start = reading.snippet.find(reading.name)
    if start < 0:
        return False
    following = reading.snippet[start + len(reading.name) :]
    match = _ROLE_AT.match(following)
    if match is None or _PAST_CLAUSE.search(following[: match.start("org")]):
        return False
    org = fold(match.group("org"))
    return not any(
        name_words(name)[:1] == [org] or (len(org) > 3 and org in name_key(name))
        for name in own
        if name
    )


def _printed(name: str, stated: str) -> bool:
    """The name as printed, or each of its words ('mr. H.J. (Hans) de Boer')."""
    folded = fold(name)
    if folded in stated:
        return True
    return all(re.search(rf"\b{re.escape(word)}\b", stated) for word in folded.split())


_GREETING = re.compile(
    r"^(?:I['’]m|I\s+am|Hi|Hello|Ich\s+bin|Je\s+suis|Soy|Jag\s+är|Ik\s+ben)\s+", re.IGNORECASE
)


def _without_greeting(reading: Found) -> Found:
    """ "I'm Carlos Ruiz" is Carlos Ruiz."""
    name = _GREETING.sub("", reading.name)
    return replace(reading, name=name) if name != reading.name else reading


def _own_email(reading: Found) -> Found:
    """An address belongs to a person only when it spells their name (or data says so)."""
    if (
        reading.email
        and reading.reader != "structured"
        and not spells_name(reading.email, reading.name)
    ):
        return replace(reading, email=None)
    return reading


def _merge(readings: list[Found]) -> list[PersonClaim]:
    by_name: dict[str, list[Found]] = {}
    for reading in readings:
        by_name.setdefault(name_key(reading.name), []).append(reading)
    claims = []
    for group in by_name.values():
        titled = sorted((r for r in group if r.title), key=lambda r: READERS.index(r.reader))
        if not titled:
            continue
        best = titled[0]
        claims.append(
            PersonClaim(
                full_name=best.name,
                title=best.title,
                email=next((r.email for r in group if r.email), None),
                linkedin=next((r.linkedin for r in group if r.linkedin), None),
                current=all(r.current for r in group),
                snippet=best.snippet[:300],
            )
        )
    return claims


# -- structured data ------------------------------------------------------------------------


def _structured_people(doc: Document, not_people: Collection[str]) -> Iterator[Found]:
    for item, holder in walk_items(doc.structured):
        if "Person" not in types_of(item):
            continue
        name = first_text(item.get("name"))
        if not name or not is_person_name(name, exclude=not_people):
            continue
        title = first_text(item.get("jobTitle"))
        if title is None and holder is not None:
            title = PEOPLE_PROPERTIES.get(holder)
        if title is None:
            continue  # an author or a mention: no job at the company is stated
        email = first_text(item.get("email"))
        if email:
            email = email.removeprefix("mailto:").lower()
        yield Found(
            name=name,
            title=title,
            reader="structured",
            snippet=f"{name}, {title}",
            email=email if email and not is_role_mailbox(email) else None,
            linkedin=_linkedin_of(str(url) for url in as_list(item.get("sameAs"))),
        )


def _linkedin_of(urls: Iterable[str]) -> str | None:
    for url in urls:
        link = social_link(url)
        if link and link.network == "linkedin" and link.kind == "person":
            return link.url
    return None


# -- records: cards, rows, list items, figures ----------------------------------------------


def _record_people(doc: Document, not_people: Collection[str]) -> Iterator[Found]:
    body = doc.root.find("body")
    scope = body if body is not None else doc.root
    order = {element: index for index, element in enumerate(scope.iter())}
    names = _name_elements(scope, not_people)
    counts: dict[lxml_html.HtmlElement, int] = {}
    for element in names:
        for ancestor in element.iterancestors():
            counts[ancestor] = counts.get(ancestor, 0) + 1
    for element, name in names.items():
        container = _record_of(element, counts)
        if container is element:
            continue
        text = element_text(container)
        title = _title_in(container, element, order) or _prose_title(text, name, not_people)
        if title is None:
            continue
        yield Found(
            name=name,
            title=title,
            reader="record",
            snippet=text,
            email=_personal_email(container, text),
            linkedin=_linkedin_of(
                [a.get("href") or "" for a in container.iter("a") if a.get("href")]
            ),
        )


def _name_elements(
    scope: lxml_html.HtmlElement, not_people: Collection[str]
) -> dict[lxml_html.HtmlElement, str]:
    """Elements whose whole text is one person's name, outermost first."""
    found: dict[lxml_html.HtmlElement, str] = {}
    for element in scope.iter():
        tag = tag_of(element)
        if tag is None or tag in SKIPPED_TAGS or len(element) > MAX_NAME_ELEMENT_CHILDREN:
            continue
        if any(tag_of(child) in BLOCK_TAGS for child in element.iterdescendants()):
            continue
        text = squash(element.text_content())
        if not text or len(text) > 60 or not is_person_name(text, exclude=not_people):
            continue
        if title_spans(text):
            continue  # "Content Marketer" reads like a name but is an opening
        if any(ancestor in found for ancestor in element.iterancestors()):
            continue
        if is_navigation(element) or any(is_navigation(a) for a in element.iterancestors()):
            continue  # a link in a menu leads to a page; it presents no one
        found[element] = text
    return found


def _record_of(
    element: lxml_html.HtmlElement, counts: dict[lxml_html.HtmlElement, int]
) -> lxml_html.HtmlElement:
    """The largest ancestor that holds this name and no other, within a card's size."""
    record = element
    for ancestor in element.iterancestors():
        if tag_of(ancestor) in {"body", "html"} or counts.get(ancestor, 0) > 1:
            break
        if len(ancestor.text_content()) > MAX_RECORD_TEXT:
            break
        record = ancestor
        if tag_of(ancestor) in RECORD_TAGS:
            break  # a list item or a row is one record, whatever its list holds
    return record


def _title_in(
    container: lxml_html.HtmlElement,
    name_element: lxml_html.HtmlElement,
    order: dict[lxml_html.HtmlElement, int],
) -> str | None:
    """The title printed alone in an element of the record: after the name, else before."""
    position = order.get(name_element, 0)
    after: list[tuple[int, str]] = []
    before: list[tuple[int, str]] = []
    name_family = {name_element, *name_element.iterancestors(), *name_element.iterdescendants()}
    for element in container.iter():
        if element in name_family or tag_of(element) in SKIPPED_TAGS or tag_of(element) is None:
            continue
        if len(element) > MAX_NAME_ELEMENT_CHILDREN:
            continue
        title = as_title(squash(element.text_content()))
        if title:
            where = order.get(element, 0)
            (after if where > position else before).append((where, title))
    if after:
        return min(after)[1]
    return max(before)[1] if before else None


def _prose_title(text: str, name: str, not_people: Collection[str]) -> str | None:
    """The title a record's sentences give its person ('<b>Jane</b> is our CTO.')."""
    key = name_key(name)
    for reading in _prose_people([text], not_people):
        if name_key(reading.name) == key and reading.title:
            return reading.title
    return None


def _personal_email(container: lxml_html.HtmlElement, text: str) -> str | None:
    addresses = [
        (a.get("href") or "")[7:].split("?", 1)[0].strip().lower()
        for a in container.iter("a")
        if (a.get("href") or "").lower().startswith("mailto:")
    ]
    addresses += [email.address for email in find_emails(text)]
    return next((a for a in addresses if a and not is_role_mailbox(a)), None)


# -- prose ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Link:
    """Words that tie a name to the title after it (or before it)."""

    pattern: re.Pattern[str]
    may_span_names: bool = False  # "X has joined Acme Forge as CTO" crosses a company name


def _link(pattern: str, *, may_span_names: bool = False) -> Link:
    return Link(re.compile(rf"^{pattern}$", re.IGNORECASE), may_span_names)


_DET = r"(?:(?:our|the|its|their|a|an)\s+)?"
_QUAL = r"(?:(?:new|former|interim|acting|then)\s+)?"
# Name, then title.
NAME_FIRST: tuple[Link, ...] = (
    _link(rf"\s*[,(]\s*(?:who\s+(?:served|serves|worked|works)\s+as\s+)?{_DET}{_QUAL}"),
    _link(r"\s*[—–|·:]\s*|\s+-\s+"),
    _link(rf"\s+(?:is|was|as|becomes|became|remains)\s+{_DET}{_QUAL}"),
    _link(
        rf"\s+(?:has\s+|had\s+)?(?:re)?join(?:s|ed)?\s+[^.;]{{0,60}}?\s+as\s+{_DET}{_QUAL}",
        may_span_names=True,
    ),
    _link(rf"\s+(?:has\s+|had\s+)?(?:stepped|steps|stepping)\s+down\s+as\s+{_DET}{_QUAL}"),
    _link(rf"\s+(?:leads|led|runs|heads)\s+[^.;]{{0,40}}?\s+as\s+{_DET}{_QUAL}"),
    _link(
        rf"\s+(?:co-?founded|founded|started|launched)\s+[^.;]{{0,60}}?\s+and\s+is\s+{_DET}",
        may_span_names=True,
    ),
    _link(
        rf"\s+(?:co-?founded|founded|started|launched)\s+[^.]{{0,60}}?;\s+today,?\s+{_DET}",
        may_span_names=True,
    ),
    _link(
        rf"\s+(?:has\s+been\s+|was\s+|is\s+)?(?:appointed|named|promoted|hired)\s+"
        rf"(?:to\s+|as\s+)?{_DET}{_QUAL}"
    ),
)
# Title, then name: "former CTO Jane Doe", "Our CTO, Jane Doe", "As CTO, Jane Doe".
TITLE_FIRST: tuple[Link, ...] = (_link(r"\s+"), _link(r"\s*[,:]\s*"))

DEPARTURE = re.compile(
    r"\b(?:ha(?:s|ve|d)\s+left|left\s+the\s+(?:company|team|business)|stepp(?:ed|ing)\s+down"
    r"|steps\s+down|depart(?:s|ed)|resign(?:s|ed)|retire[sd]|no\s+longer|who\s+served\s+as"
    r"|moved\s+on|parted\s+ways)\b",
    re.IGNORECASE,
)
FORMER = re.compile(
    r"\b(?:former|formerly|outgoing|erstwhile|previous)\s+$|\bex-\s*$", re.IGNORECASE
)
FOUNDER_CUES = re.compile(
    r"\b(?:(?:co-?)?founded|started|created)\s+(?:in\s+\d{4}\s+)?by\s+"
    r"|\b(?:our\s+)?(?:co-?)?founders?\s*(?:,|:|are|were)\s+",
    re.IGNORECASE,
)
_LIST_JOINER = re.compile(r"^\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)$", re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[\"“'(\[]?[A-Z0-9])")
ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "inc", "ltd", "co", "corp", "est"}
    | {"vs", "no", "approx", "e.g", "i.e"}
)


def sentences(line: str) -> list[str]:
    """A line split into sentences, not after abbreviations ('Est. 2019', 'Dr. Doe')."""
    pieces = _SENTENCE_BREAK.split(line)
    merged: list[str] = []
    for piece in pieces:
        last_word = merged[-1].rsplit(" ", 1)[-1].rstrip(".").lower() if merged else ""
        if merged and (last_word in ABBREVIATIONS or len(last_word) == 1):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged


def _prose_people(lines: list[str], not_people: Collection[str]) -> Iterator[Found]:
    for line in lines:
        found = [f for s in sentences(line) for f in _sentence_people(s, not_people)]
        yield from _with_block_email(line, found)


def _with_block_email(line: str, found: list[Found]) -> list[Found]:
    """A paragraph about one person places its one personal address with them."""
    if len({name_key(f.name) for f in found}) != 1 or any(f.email for f in found):
        return found
    emails = {e.address for e in find_emails(line) if not is_role_mailbox(e.address)}
    if len(emails) != 1:
        return found
    email = emails.pop()
    return [replace(f, email=email) for f in found]


def _sentence_people(sentence: str, not_people: Collection[str]) -> Iterator[Found]:
    titles = [t for t in title_spans(sentence) if not t.plural]
    masked = _mask(sentence, titles)
    starts = {t.start for t in titles}
    # A "name" right before a title is the title's own words: "Site Reliability Engineer".
    names = [n for n in find_names(masked, exclude=not_people) if n.end + 1 not in starts]
    if not names:
        return
    departed = bool(DEPARTURE.search(sentence))
    emails = [e.address for e in find_emails(sentence) if not is_role_mailbox(e.address)]
    email = emails[0] if len(names) == 1 and len(emails) == 1 else None
    linked = _link_titles(sentence, names, titles)
    founders = _founder_names(sentence, names)
    for name in names:
        title = linked.get(name)
        if title is not None:
            former = bool(FORMER.search(_before_title(sentence, name, title)))
            yield Found(
                name=name.text,
                title=title.text,
                reader="prose",
                snippet=sentence,
                current=not (departed or former),
                email=email,
            )
        elif name in founders:
            title_text = COFOUNDER_TITLE if len(founders) > 1 else FOUNDER_TITLE
            yield Found(name.text, title_text, "founders", sentence, not departed, email)


FOUNDER_LABELS = frozenset({"founder", "founders", "co-founders", "cofounders", "founded by"})


def _labelled_founders(doc: Document, not_people: Collection[str]) -> Iterator[Found]:
    """'Founders: Jane Doe and John Smith' in a <dl>, a table or a labelled line."""
    for label, value in doc.labelled:
        if label not in FOUNDER_LABELS:
            continue
        names = find_names(value, exclude=not_people)
        title = COFOUNDER_TITLE if len(names) > 1 else FOUNDER_TITLE
        for name in names:
            yield Found(name.text, title, "founders", f"{label}: {value}")


def _mask(sentence: str, titles: list[TitleSpan]) -> str:
    """The sentence with titles blanked, so 'VP Sales Rosie Cook' yields 'Rosie Cook'."""
    masked = sentence
    for title in titles:
        masked = masked[: title.start] + " " * (title.end - title.start) + masked[title.end :]
    return masked


def _link_titles(
    sentence: str, names: list[NameSpan], titles: list[TitleSpan]
) -> dict[NameSpan, TitleSpan]:
    """Pair names with titles: 'Name, title' links first, then 'Title, name' links."""
    linked: dict[NameSpan, TitleSpan] = {}
    used: set[TitleSpan] = set()
    for name in names:
        for title in titles:
            if title.start < name.end or title in used:
                continue
            gap = sentence[name.end : title.start]
            if _links(NAME_FIRST, gap, names, name.end, title.start):
                linked[name] = title
                used.add(title)
            break  # only the first title after a name can be its own
    for name in names:
        if name in linked:
            continue
        before = [t for t in titles if t.end <= name.start and t not in used]
        if before:
            title = before[-1]
            if _links(TITLE_FIRST, sentence[title.end : name.start], names, title.end, name.start):
                linked[name] = title
                used.add(title)
    return linked


def _links(links: tuple[Link, ...], gap: str, names: list[NameSpan], start: int, end: int) -> bool:
    crosses_name = any(start <= other.start < end for other in names)
    return any(
        link.pattern.match(gap) and (link.may_span_names or not crosses_name) for link in links
    )


def _before_title(sentence: str, name: NameSpan, title: TitleSpan) -> str:
    if title.start >= name.end:
        return sentence[name.end : title.start]
    return sentence[max(0, title.start - 20) : title.start]


def _founder_names(sentence: str, names: list[NameSpan]) -> list[NameSpan]:
    """Names listed right after 'founded by' or 'our founders,'."""
    for cue in FOUNDER_CUES.finditer(sentence):
        listed: list[NameSpan] = []
        cursor = cue.end()
        for name in names:
            if name.start < cursor:
                continue
            gap = sentence[cursor : name.start]
            if (not listed and gap.strip()) or (listed and not _LIST_JOINER.match(gap)):
                break
            listed.append(name)
            cursor = name.end
        if listed:
            return listed
    return []
