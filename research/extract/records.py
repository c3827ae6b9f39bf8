"""People read from how a page lays them out, in any language.

A page shows its people in a handful of ways, whatever its language or template:

* a line holding a name and a title ("Jane Doe, CTO", "Geschäftsführer: Klaus Müller",
  a table row "Graham Pollard | Managing Director | …", "Sophie Turner (Associate)");
* a name alone on a line with its title alone on the line after it (cards, definition lists,
  figure captions) or before it (directories listing the title first). Which side a run of
  such lines pairs on is read from the run itself: a run that opens with a title is
  title-first;
* names under a heading that gives them all a title ("Partners", "Associés", "Vorstand");
* sentences: "X, our CTO, …", "X ist Geschäftsführer", "notre CTO, X", "X joined as …",
  "nomme X au poste de directeur technique".

Testimonials and reviews are skipped, and a title followed by "at <another company>" is not
a title at this one. An email is a person's only when it sits with them and its address
spells their name; a shared inbox never is.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field, replace

from research.extract.contacts import find_emails, is_role_mailbox
from research.extract.duties import CLOSED_SPAN, duty_title, fronts_object
from research.extract.html import Document, element_text, squash
from research.extract.lexicon import (
    CLOSED_YEARS,
    COLLECTIVES,
    CREDENTIALS,
    DEPARTMENT_WORDS,
    DEPARTURE,
    FORMER_HEADING,
    STAYS,
    SUCCESSION,
    WEAK_HEADS,
    fold_word,
    is_first_name,
    is_former_word,
    is_shared_inbox,
    is_title_word,
    looks_like_title,
    strip_honorifics,
    words_in,
)
from research.extract.names import find_names, fold, is_person_name, name_words
from research.roles import FUNCTION_PHRASES

READER = "layout"
PROSE_READER = "sentence"
MAX_SEGMENT_LINE_WORDS = 14
MAX_TITLE_PHRASE = 7
MAX_BEFORE_TITLE = 5
MAX_VERB_GAP = 8
MAX_CAPTION_WORDS = 8

_SEPARATORS = re.compile(
    r"\s*[|•·]\s*|\s+[–—-]\s+|\s*[–—]\s*|\s*:\s+|\s*,\s*|\s*\(\s*|\s*\)\s*|\s*;\s*"
)
_PHONE = re.compile(
    r"^(?:(?:tel|phone|fax|mobile|mob|t|f|m|telefon|téléphone|tél|teléfono|tfn)\.?\s*:?\s*)?[+(]?\d[\d\s().\-/]{5,}$",
    re.IGNORECASE,
)
_CONTACT_LABEL = re.compile(
    r"^(?:e-?mail|mail|email|courriel|correo|tel|phone|telefon|téléphone|tél|fax|mobile|"
    r"linkedin|twitter|x|vcard|profile|profil|perfil|bio|mehr|more|read more|en savoir plus)\.?$",
    re.IGNORECASE,
)
# A short label that may be a title where a roster pairs names with lines like it.
_SHORT = re.compile(r"^[A-ZÀ-Ý][^\d@:;!?.]{1,40}$")
_QUOTATION = re.compile(r"^[\"“„«‘].{8,}[\"”“»’]\.?$")
_ATTRIBUTION = re.compile(r"^[—–-]\s*\S")
# Headings over quotes from customers, not staff.
_TESTIMONIAL = re.compile(
    r"\b(?:testimonials?|reviews?|what\s+(?:our\s+)?\w+\s+say|kind\s+words|kundenstimmen"
    r"|referenzen|bewertungen|sagen\s+unsere|t[ée]moignages?|avis(?:\s+clients?)?"
    r"|ils\s+nous\s+font\s+confiance|opiniones|testimonios|dicen\s+nuestros|ervaringen"
    r"|recensioner|omd[öo]men)\b",
    re.IGNORECASE,
)
# A title that goes on to name another employer: "Property Manager at Oakridge Apartments".
_ELSEWHERE = re.compile(
    r"\s(?:at|bei|chez|at the|von der|de la empresa|en|bij|hos|på)\s+[A-Z]", re.UNICODE
)
_HONORIFIC_MASK = re.compile(
    r"\b(?:Dr|Dra|Prof|Mr|Mrs|Ms|Mme|Mlle|Me|M|Sr|Sra|Herr|Frau|Maître|Ing|Mag|Dipl\.-Ing)"
    r"\.?(?:\s+(?:med|dent|rer|nat|phil|jur)\.)*\s+(?=[A-ZÀ-Ý])"
)

_CAPITALIZED = re.compile(r"(?<![\w'’-])[A-ZÀ-Ý][\w'’-]+")
_ELISION = re.compile(r"(?<![\w])[dlj][’'](?=[A-ZÀ-Ý])")

# Words between a name and the title after it: verbs, determiners, adverbs, in each language.
_LINK_VERBS = (
    r"is|was|are|remains|becomes|became|serves\s+as|served\s+as|acts\s+as|works\s+as|"
    r"has\s+(?:been\s+)?(?:appointed|named|promoted)(?:\s+(?:as|to))?|"
    r"was\s+(?:appointed|named|promoted)(?:\s+(?:as|to))?|"
    r"ist|war|bleibt|wurde\s+(?:zum|zur)|fungiert\s+als|arbeitet\s+als|"
    r"est|était|reste|devient|est\s+nommée?|a\s+été\s+nommée?|"
    r"es|era|sigue\s+siendo|fue\s+nombrad[oa]|"
    r"är|var|blir|"
    r"blijft|wordt|werd"
)
# Words that tie a name to a title on their own: "nomme X au poste de directeur".
_STRONG_AS = r"au\s+poste\s+de|en\s+tant\s+que|to\s+the\s+role\s+of|zum|zur|en\s+calidad\s+de"
_AS = r"as|als|comme|en\s+tant\s+que|como|som|au\s+poste\s+de|zum|zur|to\s+the\s+role\s+of"
_DETERMINERS = frozenset(
    fold_word(w)
    for w in words_in("""our the its their his her a an new now today currently also current
    sein seine seiner seinen ihr ihre ihrer ihren aktuelle aktueller son sa ses actuel actuelle
    su sus actual hennes nuvarande zijn huidige
    unser unsere unserer unseren der die das ein eine neuer neue neuen heute jetzt derzeit
    notre nos le la les l un une nouveau nouvelle nouvel aujourd'hui actuellement
    nuestro nuestra nuestros el los las un una nuevo nueva hoy actualmente
    vår vårt vara en ett ny nya idag nu
    onze ons de het een nieuwe nu thans""")
)
_JOINERS = frozenset(fold_word(w) for w in words_in("and & und et y och en e /"))
_OF_WORDS = frozenset(
    fold_word(w) for w in words_in("of for de des du del d' der für för van voor für i")
)
_CLAUSE_WORDS = frozenset(
    fold_word(w)
    for w in words_in("""who which that whose since at in on with from to by where when while during
    durante pendant während under
    qui que dont depuis chez dans avec sur pour par
    der die das seit bei mit von zu im in auf für
    que quien desde con en por para
    som sedan med från hos
    die dat sinds bij met van""")
)


@dataclass(frozen=True, slots=True)
class Reading:
    """A person read from the layout or a sentence."""

    name: str
    title: str | None
    reader: str
    snippet: str
    current: bool = True
    email: str | None = None


@dataclass
class _Line:
    text: str
    kind: str  # N name, T title, C contact, P pair, H heading, O other, Q quote
    names: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    former: bool = False
    titled: bool = False
    heading: bool = False


# -- names, titles, emails ------------------------------------------------------------------


def clean_name(text: str, not_people: Collection[str]) -> str | None:
    """The person's name when the text is one (honorifics dropped), else None."""
    text = squash(text).strip(" ,;:")
    if not text or len(text) > 70:
        return None
    text = _INITIALS_AND_NAME.sub(r"\1 ", text)
    name = strip_honorifics(text)
    # "Douglas R. Whitney": a middle initial is part of the name but not of the check.
    bare = " ".join(w for i, w in enumerate(name.split()) if not (i > 0 and _INITIAL.match(w)))
    if not is_person_name(bare, exclude=not_people) or not _plain_words(bare):
        return None
    if _title_not_name(name) or _opens(name, not_people):
        return None
    return name


def _opens(name: str, not_people: Collection[str]) -> bool:
    """'Cabinet Rousseau' opens the company's name 'Cabinet Rousseau Avocats'."""
    key = fold(name)
    return any(
        fold(other).startswith(key + " ") or key.startswith(fold(other) + " ") or key == fold(other)
        for other in not_people
    )


# "mr. H.J. (Hans) de Boer": initials, then the given name in brackets.
_INITIALS_AND_NAME = re.compile(
    r"(?:\b(?:mr|dr|ir|drs|ing|prof)\.\s*)?(?:[A-Z]\.\s?){1,4}\s*\(([A-ZÀ-Ý][\w'’-]+)\)\s+"
)
_LEGAL_WORD = re.compile(
    r"(?:^|-)(?:GmbH|AG|KG|Ltd|LLC|Inc|SARL|SAS|BV|AB|PLC|Corp|S\.L\.?|S\.A\.?)\.?$"
)
_ABSTRACT = re.compile(r"\w{4,}(?:ung|heit|keit|schaft|tion|itat|ness|ship|cion|sion)$")
_INITIAL = re.compile(r"^[A-Z]\.?$")
_PARTICLES = frozenset(
    words_in("de da di du del della van von der den ter ten la le el y e zu af av")
)


def _plain_words(name: str) -> bool:
    """No capitalized determiner ('Unsere Geschichte'), no department ('Public Affairs') and no
    abstract noun ('Gesetzliche Berufsbezeichnung')."""
    words = name.split()
    if fold_word(words[-1]) in DEPARTMENT_WORDS:
        return False
    if any(_ABSTRACT.search(fold_word(w)) or _LEGAL_WORD.search(w) for w in words):
        return False
    for word in words:
        folded = fold_word(word)
        if folded in _PARTICLES:
            continue
        if folded in _DETERMINERS or folded in _CLAUSE_WORDS:
            return False
    return True


def _title_not_name(text: str) -> bool:
    """'Pastry Chef', 'Directora Financiera' read like names; 'Tom Baker' is one."""
    words = text.split()
    if not any(is_title_word(w) for w in words) or not looks_like_title(text):
        return False
    return not (is_first_name(words[0]) and not is_title_word(words[0]))


def names_in(text: str, not_people: Collection[str]) -> list[tuple[int, int, str]]:
    """(start, end, name) of the people a sentence names, honorifics dropped."""
    masked = _HONORIFIC_MASK.sub(lambda m: " " * len(m.group(0)), text)
    masked = _ELISION.sub("  ", masked)  # "la nomination d'Antoine Mercier"
    # German capitalizes nouns: "Geschäftsführer Andreas Eder" holds a title before the name.
    masked = _CAPITALIZED.sub(
        lambda m: (
            " " * len(m.group(0))
            if is_title_word(m.group(0)) and not is_first_name(m.group(0))
            else m.group(0)
        ),
        masked,
    )
    found = []
    for span in find_names(masked, exclude=not_people):
        start, words = span.start, span.text.split()
        # German capitalizes nouns: "Vertriebsleiter Thomas Krüger" holds a title first.
        while len(words) > 2 and _title_part(words[0]) and not is_first_name(words[0]):
            start += len(words[0]) + 1
            words = words[1:]
        while len(words) > 2 and fold_word(words[0]) in _DETERMINERS:
            start += len(words[0]) + 1
            words = words[1:]
        if len(words) > 2 and is_first_name(words[1]) and not is_first_name(words[0]):
            start += len(words[0]) + 1  # "Sohn Rolf Keller", "Dockmaster Tina Alvarez"
            words = words[1:]
        # "Julia Sander das Geschäft": a lowercase word that is an article, not a particle.
        cut = next(
            (
                i
                for i, w in enumerate(words)
                if i >= 2 and fold_word(w) in _DETERMINERS - _PARTICLES
            ),
            None,
        )
        if cut is not None:
            words = words[:cut]
        text_ = " ".join(words)
        if re.search(r"[^\W\d_]{2,}\.\s", text_):
            continue  # "Jansen. Marieke": two sentences, not one name
        if _title_not_name(text_) or not is_person_name(text_, exclude=not_people):
            continue
        if not _plain_words(text_) or _opens(text_, not_people):
            continue
        following = re.match(r"^ ([A-ZÀ-Ý][\w'’-]*)", text[start + len(text_) :])
        if following and is_title_word(following.group(1)) and not is_first_name(words[0]):
            continue  # "Site Reliability Engineer": the name is a title's own words
        if _JOINED.search(text[:start]):
            continue  # "joins Acme Forge as": the company joined, not a person
        found.append((start, start + len(text_), text_))
    return found


def _title_part(word: str) -> bool:
    return is_title_word(word) or fold_word(word) in FUNCTION_PHRASES


_JOINED = re.compile(
    r"\b(?:join(?:s|ed|ing)?|rejoin(?:s|ed)?|rejoint|rejoindre|tritt|wechselt\s+zu|"
    r"incorpor[óa]\s+a|se\s+une\s+a|ansluter\s+sig\s+till|treedt\s+toe\s+tot)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


def email_of(name: str, addresses: Collection[str]) -> str | None:
    """The address among these whose local part spells the name ('g.pollard', 'jlherrero')."""
    for address in addresses:
        shared = is_shared_inbox(address) or is_role_mailbox(address)
        if not shared and spells_name(address, name):
            return address.lower()
    return None


def spells_name(address: str, name: str) -> bool:
    """Whether an address's local part is made of the person's names or initials
    ('h.kuehne' spells 'Hartmut Kühne' as German addresses write umlauts)."""
    umlauts = name.translate(_UMLAUTS)
    return _spells(address, name) or (umlauts != name and _spells(address, umlauts))


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def _spells(address: str, name: str) -> bool:
    local = fold(address.split("@", 1)[0])
    words = [re.sub(r"[^a-z]", "", w) for w in name_words(strip_honorifics(name))]
    words = [w for w in words if w]
    if len(words) < 2 or not local:
        return False
    compact = re.sub(r"[^a-z]", "", local)
    pieces = [p for p in re.split(r"[^a-z]+", local) if p]
    first, last = words[0], words[-1]
    initials = "".join(w[0] for w in words[:-1])
    options = {
        first,
        last,
        first + last,
        last + first,
        first[0] + last,
        initials + last,
        first + last[0],
        "".join(words),
        "".join(words[1:]),
        "".join(w[0] for w in words),
    }
    if compact in options and len(compact) >= 3:
        return True
    has_last = any(p in (last, *words[1:]) for p in pieces)
    has_first = any(p in (first, first[0]) for p in pieces)
    return has_last and has_first


def _title_text(text: str) -> str | None:
    text = text.strip(" \t·|,;:-–—()")
    if not looks_like_title(text) or _ELSEWHERE.search(text):
        return None
    return text


def _singular_heading(heading: str) -> str | None:
    """The title a heading gives everyone under it: 'Partners' -> 'Partner', 'Associés' ->
    'Associé', 'Profesores de piano' -> 'Profesor de piano', 'Vorstand', 'Notaire salarié'."""
    text = heading.strip(" :")
    words = text.split()
    if not words or len(words) > 5 or re.search(r"[\d@?!]", text):
        return None
    if fold_word(words[-1]) in COLLECTIVES:
        return text
    for index, word in enumerate(words):
        stem = _singular(word)
        if stem:
            return " ".join([*words[:index], stem, *words[index + 1 :]])
    if looks_like_title(text) and fold_word(words[-1]) not in WEAK_HEADS | DEPARTMENT_WORDS:
        return text  # a singular heading: "Notaire salarié", "Head of School"
    return None


def _singular(word: str) -> str | None:
    folded = fold_word(word)
    for suffix in ("ies", "es", "s", "e"):
        if folded.endswith(suffix) and len(folded) > len(suffix) + 2:
            stem = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            if is_title_word(stem) and fold_word(stem) != folded:
                if suffix == "es" and not is_title_word(word[:-2]):
                    stem = word[:-1]
                return stem
    return None


# -- the layout reader ----------------------------------------------------------------------


def layout_people(doc: Document, not_people: Collection[str]) -> list[Reading]:
    """Everyone the page's lines, rows, cards and sentences name with a title."""
    return read_layout(doc, tuple(not_people)).readings


@dataclass(frozen=True)
class Layout:
    """What the layout reader found: people, and names it knows are not the company's people
    (quotation authors, customers named after a title)."""

    readings: list[Reading]
    not_staff: frozenset[str]


def read_layout(doc: Document, not_people: tuple[str, ...]) -> Layout:
    """People of the page's layout, and the names that are customers or quoted authors."""
    headings = {
        squash(element_text(h))
        for tag in ("h1", "h2", "h3", "h4", "h5", "h6")
        for h in doc.root.iter(tag)
    }
    quoted = _quoted_texts(doc)
    texts = _cells_apart(_joined_name_columns(doc.content_lines), not_people)
    lines = [_classify(text, text in headings, not_people) for text in texts]
    in_quotes = False
    former_section = False
    quoted_names: set[str] = set()
    for line in lines:
        if line.heading:
            in_quotes = bool(_TESTIMONIAL.search(line.text))
            former_section = bool(FORMER_HEADING.search(line.text))
            if in_quotes:
                line.kind = "Q"
        elif in_quotes:
            quoted_names.update(line.names)  # everyone in a testimonials section
            line.kind = "Q"
            line.former = former_section
            continue
        elif in_quotes or line.text in quoted or _ATTRIBUTION.match(line.text):
            if _ATTRIBUTION.match(line.text):
                quoted_names.update(line.names)  # "— James Avery, Founder" signs a quote
            line.kind = "Q"
        line.former = former_section
    # A heading right under a name heading is that person's title ("Maggie Finch" / "Partner").
    for index, line in enumerate(lines[1:], start=1):
        previous = lines[index - 1]
        if (
            line.kind == "H"
            and previous.kind == "N"
            and previous.heading
            and looks_like_title(line.text)
            and not any(_singular(w) for w in line.text.split())
        ):
            line.kind = "T"
    # A name (and its title) right under a quotation is the quote's author: a customer.
    for index, line in enumerate(lines[1:], start=1):
        previous = lines[index - 1]
        if line.kind in {"N", "P"} and _QUOTATION.match(previous.text):
            quoted_names.update(line.names)
            line.kind = "Q"
            if index + 1 < len(lines) and lines[index + 1].kind in {"T", "P"}:
                quoted_names.update(lines[index + 1].names)  # "VP Finance, Summit Foods"
                lines[index + 1].kind = "Q"
    readings: list[Reading] = []
    elsewhere: set[str] = set()
    readings += _pair_lines(lines, not_people, elsewhere)
    readings += _runs(lines)
    readings += _prose(lines, not_people)
    return Layout(readings, frozenset(quoted_names | elsewhere))


_LAST_NAME = re.compile(
    r"^(?:last\s*name|surname|family\s+name|nachname|nom|apellidos?|achternaam|efternamn)$", re.I
)
_FIRST_NAME = re.compile(
    r"^(?:first\s*name|given\s+name|vorname|pr[ée]nom|nombre|voornaam|f[öo]rnamn)$", re.I
)


def _joined_name_columns(lines: list[str]) -> list[str]:
    """Tables with 'Last Name | First Name' columns, read as one 'First Last' cell."""
    out: list[str] = []
    columns: tuple[int, int, int] | None = None
    for text in lines:
        cells = [c.strip() for c in text.rstrip(" |").split(" | ")]
        if len(cells) > 1:
            last = next((i for i, c in enumerate(cells) if _LAST_NAME.match(c)), None)
            first = next((i for i, c in enumerate(cells) if _FIRST_NAME.match(c)), None)
            if last is not None and first is not None:
                columns = (first, last, len(cells))
                out.append("")  # the header row names no one
                continue
        if columns and max(columns[0], columns[1]) < len(cells) <= columns[2]:
            first, last, _ = columns
            joined = f"{cells[first]} {cells[last]}"
            kept = [c for i, c in enumerate(cells) if i not in (first, last)]
            out.append(" | ".join([joined, *kept]))
            continue
        columns = None if len(cells) == 1 else columns
        out.append(text)
    return out


def _cells_apart(lines: list[str], not_people: Collection[str]) -> list[str]:
    """Table cells that each hold a card ("email | Lagerleitung") read as separate lines."""
    out: list[str] = []
    for text in lines:
        cells = [c.strip() for c in text.split(" | ") if c.strip()]
        kinds = [_segment_kind(c, not_people)[0] for c in cells]
        if len(cells) > 1 and "N" not in kinds and kinds[0] == "C":
            out.extend(cells)
            continue
        out.append(text)
    return out


def _quoted_texts(doc: Document) -> set[str]:
    texts = set()
    for quote in doc.root.iter("blockquote", "q", "cite"):
        texts.add(squash(element_text(quote)))
        for line in element_text(quote).split("\n"):
            texts.add(squash(line))
    return texts


def _segments(text: str) -> list[str]:
    return [s for s in (squash(p) for p in _SEPARATORS.split(text)) if s]


def _classify(text: str, heading: bool, not_people: Collection[str]) -> _Line:
    emails = [e.address for e in find_emails(text)]
    line = _Line(text, "O", emails=emails, heading=heading)
    if heading:
        name = clean_name(text, not_people)
        if name:
            line.kind, line.names = "N", [name]
            return line
        pairs = (
            _pair_segments(text, not_people) if len(text.split()) <= MAX_SEGMENT_LINE_WORDS else []
        )
        if any(title for _, title in pairs):
            line.kind, line.names = "P", [name for name, _ in pairs]
            return line
        if len(pairs) == 1:
            line.kind, line.names = "N", [pairs[0][0]]
            return line
        line.kind = "H"
        words = text.split()
        if (
            looks_like_title(text)
            and not any(_singular(w) for w in words)
            and fold_word(words[-1]) not in COLLECTIVES | DEPARTMENT_WORDS
            and not _ELSEWHERE.search(text)
        ):
            line.kind = "T"  # "Chief Financial Officer" as a heading under a name heading
        return line
    if len(text.split()) > MAX_SEGMENT_LINE_WORDS and " | " not in text:
        return line
    kinds = _kinds(text, not_people)
    names = [k[1] for k in kinds if k[0] == "N"]
    titles = [k for k in kinds if k[0] == "T"]
    rest = [k for k in kinds if k[0] == "O"]
    if names and titles:
        line.kind, line.names = "P", names
    elif len(names) == 1 and not rest:
        line.kind, line.names = "N", names
    elif names and " | " in text:
        line.kind, line.names = "P", names
    elif (
        not names
        and titles
        and kinds[0][0] == "T"
        and all(len(v.split()) <= 2 for _, v in rest)
        and not names_in(text, not_people)
    ):
        line.kind = "T"  # "Physiotherapeut, Manualtherapie": a title and its speciality
    elif not names and not titles and _SHORT.match(text) and not names_in(text, not_people):
        line.kind = "S"
    elif not names and not titles and kinds and all(k[0] == "C" for k in kinds):
        line.kind = "C"
    return line


def _kinds(text: str, not_people: Collection[str]) -> list[tuple[str, str]]:
    """Each segment of a line as name (N), title (T), contact (C) or other (O)."""
    text = _INITIALS_AND_NAME.sub(r"\1 ", text)
    kinds: list[tuple[str, str]] = []
    for segment in _segments(text):
        kind = _segment_kind(segment, not_people)
        if kind[0] != "C" and (kind[0] == "O" or len(segment.split()) >= 3):
            kinds += _split_segment(segment, not_people) or [kind]
        else:
            kinds.append(kind)
    return kinds


def _caption_title(words: list[str]) -> bool:
    """Words that can only be a title: a title word first, or capitalized words and joiners."""
    if is_title_word(words[0]):
        return True
    if not words[0][:1].isupper():
        return False
    return all(
        w[:1].isupper() or is_title_word(w) or fold_word(w) in _JOINERS | _OF_WORDS for w in words
    )


_OPEN_YEARS = re.compile(
    r"(?:since\s+|seit\s+|depuis\s+|desde\s+|sedan\s+)?(?:19|20)\d{2}\s*[–—-]?\s*(?:today|present|heute|now)?",
    re.IGNORECASE,
)
_CONJUNCTION = re.compile(r"\s+(?:und|and|et|y|och|en|&)\s+")


def _split_segment(segment: str, not_people: Collection[str]) -> list[tuple[str, str]]:
    """'Josef und Maria Steinhauser'-like lists of names, or a name run into its title."""
    parts = _CONJUNCTION.split(segment)
    if len(parts) > 1:
        names = [clean_name(p, not_people) for p in parts]
        if all(names):
            return [("N", n) for n in names if n]
    words = strip_honorifics(segment).split()
    # Only a known given name opens a name run into its title ("Site Reliability Engineer").
    if len(words) <= MAX_CAPTION_WORDS and is_first_name(words[0]):
        # "Ignacio Ribera Arquitecto socio fundador": a caption with no separator.
        for size in (2, 3, 4):
            if size >= len(words) or not _caption_title(words[size:]):
                continue
            name = clean_name(" ".join(words[:size]), not_people)
            title = _title_text(" ".join(words[size:]))
            if name and title:
                return [("N", name), ("T", title)]
    return []


def _segment_kind(segment: str, not_people: Collection[str]) -> tuple[str, str]:
    if find_emails(segment) or _PHONE.match(segment) or _CONTACT_LABEL.match(segment):
        return "C", segment
    if CLOSED_YEARS.fullmatch(segment.strip()) or _OPEN_YEARS.fullmatch(segment.strip()):
        return "Y", segment
    if all(fold_word(w) in CREDENTIALS for w in segment.split()):
        return "C", segment
    if segment.startswith(("http://", "https://", "www.")):
        return "C", segment
    name = clean_name(segment, not_people)
    if name:
        return "N", name
    title = _title_text(segment)
    if title:
        return "T", title
    return "O", segment


def _pair_segments(
    text: str, not_people: Collection[str], elsewhere: set[str] | None = None
) -> list[tuple[str, str | None]]:
    """(name, title) pairs of a line that holds both: titles after a name win, then before."""
    kinds = _kinds(text, not_people)
    pairs: list[tuple[str, str | None]] = []
    for index, (kind, value) in enumerate(kinds):
        if kind != "N":
            continue
        after = None
        for later_kind, later in kinds[index + 1 :]:
            if later_kind == "N":
                break
            if later_kind == "T":
                after = later
                break
        before = None
        for earlier_kind, earlier in reversed(kinds[:index]):
            if earlier_kind == "T":
                before = earlier
                break
        if (
            after is None
            and before is not None
            and re.search(rf"{re.escape(before)}\s*,\s*{re.escape(value)}\s*$", text)
        ):
            if elsewhere is not None:
                elsewhere.add(value)
            continue  # "VP Finance, Summit Foods": a title at another company, not a person
        title = after or before
        if title is None and " | " in text:
            title = next((v for k, v in kinds if k == "O" and len(v.split()) <= 4), None)
        pairs.append((value, title))
    return pairs


def _pair_lines(
    lines: list[_Line], not_people: Collection[str], elsewhere: set[str]
) -> Iterator[Reading]:
    for index, line in enumerate(lines):
        if line.kind != "P":
            continue
        # A card prints the address on its own line under "Name, Title": the contact lines
        # right under it are the same record.
        addresses = list(line.emails)
        for following in lines[index + 1 : index + 4]:
            if following.kind != "C":
                break
            addresses += following.emails
        for name, title in _pair_segments(line.text, not_people, elsewhere):
            if title is None:
                continue
            title, current = _status(title, line)
            yield Reading(name, title, READER, line.text, current, email_of(name, addresses))


def _runs(lines: list[_Line]) -> Iterator[Reading]:
    """Names alone on a line, paired with the title alone on the line beside them."""
    group: str | None = None
    run: list[int] = []
    untitled: list[tuple[int, str | None]] = []

    def close() -> Iterator[Reading]:
        yield from _pair_run(lines, run, untitled)
        run.clear()

    for index, line in enumerate(lines):
        if line.kind == "C":
            continue
        if line.kind in {"N", "T", "S"}:
            run.append(index)
            if line.kind == "N":
                untitled.append((index, group))
            continue
        yield from close()
        if line.kind == "H":
            group = _singular_heading(line.text)
    yield from close()
    for index, heading_title in untitled:
        if heading_title is None:
            continue
        line = lines[index]
        if line.titled:
            continue
        name = line.names[0]
        snippet = f"{heading_title}: {name}"
        email = _email_near(lines, index)
        yield Reading(name, heading_title, READER, snippet, not line.former, email)


def _pair_run(
    lines: list[_Line], run: list[int], untitled: list[tuple[int, str | None]]
) -> Iterator[Reading]:
    if not run:
        return
    kinds = [lines[i].kind for i in run]
    # A run that opens with a title (or a short label before a name) lists titles first.
    title_first = kinds[0] in {"T", "S"} and len(kinds) > 1 and kinds[1] == "N"
    title_first = title_first or next((k for k in kinds if k != "S"), "N") == "T"
    step = -1 if title_first else 1
    names = [p for p, k in enumerate(kinds) if k == "N"]
    primary = [p + step for p in names if 0 <= p + step < len(kinds)]
    # Short labels count as titles only where the roster pairs most names that way.
    labels_ok = sum(1 for p in primary if kinds[p] in {"T", "S"}) >= max(2, len(names) // 2 + 1)
    used: set[int] = set()
    for position in names:
        index = run[position]
        if lines[index].titled:
            continue
        for other, accept in ((position + step, {"T", "S"} if labels_ok else {"T"}),
                              (position - step, {"T"})):  # fmt: skip
            if not (0 <= other < len(run)) or other in used or kinds[other] not in accept:
                continue
            ahead = position + step
            if other == position - step and 0 <= ahead < len(run) and kinds[ahead] in {"T", "S"}:
                continue  # our own side holds a title: the other side's is someone else's
            used.add(other)
            line = lines[index]
            title, current = _status(lines[run[other]].text, line)
            line.titled = True
            yield Reading(
                line.names[0],
                title,
                READER,
                f"{line.text} — {title}",
                current,
                _email_near(lines, index),
            )
            break


def _email_near(lines: list[_Line], index: int) -> str | None:
    """The address spelling the name, in the lines of its record (up to the next name)."""
    name = lines[index].names[0]
    addresses = list(lines[index].emails)
    for line in lines[index + 1 : index + 6]:
        if line.kind in {"N", "P", "H"}:
            break
        addresses += line.emails
    return email_of(name, addresses)


def _status(title: str, line: _Line) -> tuple[str, bool]:
    """The title without 'former' or a closed span of years, and whether the role is current."""
    words = title.split()
    spans = CLOSED_YEARS.search(title) or (line.kind == "P" and CLOSED_YEARS.search(line.text))
    former = line.former or any(is_former_word(w) for w in words) or bool(spans)
    title = CLOSED_YEARS.sub("", title)
    title = " ".join(w for w in title.split() if not is_former_word(w)) or title
    return _display(title), not former


def _display(title: str) -> str:
    title = squash(title).strip(" ,;:-–—")
    return title[0].upper() + title[1:] if title else title


# -- sentences ------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[\"“„«(]?[A-ZÀ-Ý0-9])")
_ABBREVIATION_END = re.compile(
    r"\b(?:Dr|Dra|Prof|Mr|Mrs|Ms|St|Inc|Ltd|Co|No|Sr|Sra|Mme|M|Me|med|dent|D|Dña|\d{1,2})\.$"
)


def sentences_of(text: str) -> list[str]:
    """A line split into sentences, not after abbreviations ('Dr.', 'S.L.', '1. Oktober')."""
    return _sentences(text)


def _sentences(text: str) -> list[str]:
    pieces = _SENTENCE_END.split(text)
    merged: list[str] = []
    for piece in pieces:
        if merged and _ABBREVIATION_END.search(merged[-1]):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged


_ADJECTIVE = re.compile(
    r"(?:ique|ico|ica|al|ale|ales|el|elle|if|ive|ier|iere|ero|era|ado|ada|ido|ida|ivo|iva|ario"
    r"|aria|ial|iel|ien|ienne|ista|ante|ente|aire|isch|ische|ischer)\.?$"
)
_TOKEN = re.compile(r"[\w'’&/.-]+|[,;:()—–]")


_PAST_RELATIVE = re.compile(
    r"^(?:who\s+was|who\s+had\s+been|qui\s+(?:était|fut|a\s+été)|der\s+(?:war|zuvor)|die\s+war"
    r"|que\s+(?:fue|era|había\s+sido)|quien\s+(?:fue|era)|som\s+var|die\s+was)\s+",
    re.IGNORECASE,
)


def _title_after(
    text: str, appointed: bool = False, own: Collection[str] = ()
) -> tuple[str | None, bool]:
    """The title a name's following words give it, and whether they call it former.

    ``appointed``: the words before the name appoint them ("Acme has named Jane Doe its CFO").
    ``own``: names of the page's own organization, where a role "at" it is a role here.
    """
    rest = text
    match = re.match(r"^\s*(?:,|\(|—|–|-|:)?\s*", rest)
    rest = rest[match.end() :] if match else rest
    linked = appointed
    # "…, que fue su director médico durante diez años": a relative clause in the past.
    past = _PAST_RELATIVE.match(rest)
    if past:
        rest, linked = rest[past.end() :], True
    verb = re.match(
        rf"^(?:who\s+(?:is|was)\s+|qui\s+est\s+|der\s+ist\s+)?(?:{_LINK_VERBS})\s+",
        rest,
        re.IGNORECASE,
    )
    if verb:
        rest, linked = rest[verb.end() :], True
    strong = re.match(rf"^(?:{_STRONG_AS})\s+", rest, re.IGNORECASE)
    if strong:
        rest, linked = rest[strong.end() :], True
    gap = "0" if linked else "1"
    as_match = (
        None
        if strong
        else re.match(
            rf"^(?:[^\s,.;:]+\s+){{{gap},{MAX_VERB_GAP}}}?(?:{_AS})\s+", rest, re.IGNORECASE
        )
    )
    if as_match and not re.search(r"[,.;:]", as_match.group(0)):
        rest, linked = rest[as_match.end() :], True
    if not linked and not re.match(r"^\s*(?:,|\(|—|–|-|:)", text):
        # "nombra a Elena Prieto consejera delegada": the title right after the name.
        first = rest.split(" ", 1)[0]
        if not (first[:1].islower() and is_title_word(first)):
            return None, False
    tokens = _TOKEN.findall(rest)
    former = bool(past)
    phrase: list[str] = []
    index = 0
    while index < len(tokens) and not phrase:
        word = tokens[index]
        folded = fold_word(word)
        if is_former_word(word):
            former = True
        elif folded not in _DETERMINERS:
            break
        index += 1
    head_seen = False
    while index < len(tokens) and len(phrase) < MAX_TITLE_PHRASE:
        word = tokens[index]
        folded = fold_word(word.rstrip("."))
        if word in {",", ";", ":", "(", ")", "—", "–"}:
            break
        if is_title_word(word):
            head_seen = True
            phrase.append(word.rstrip("."))
            if word.endswith("."):
                break
        elif folded in _JOINERS and index + 1 < len(tokens) and _title_ahead(tokens, index + 1):
            phrase.append(word)
        elif head_seen and folded in _OF_WORDS and index + 1 < len(tokens):
            nxt = tokens[index + 1]
            if nxt in {",", ";", ":", "(", ")"} or fold_word(nxt) in _CLAUSE_WORDS:
                break
            phrase += [word, nxt.rstrip(".")]
            index += 1
            if nxt.endswith("."):
                break
            # "CEO of Tallis Health": a name of two words may follow.
            if (
                index + 1 < len(tokens)
                and tokens[index + 1][:1].isupper()
                and tokens[index + 1] not in {"(", ")"}
            ):
                phrase.append(tokens[index + 1].rstrip("."))
                index += 1
        elif head_seen and word.islower() and _ADJECTIVE.search(folded) and len(phrase) < 4:
            phrase.append(word.rstrip("."))  # "directeur technique", "director financiero"
            if word.endswith("."):
                break
        elif (
            not head_seen
            and len(phrase) < 3
            and folded not in _CLAUSE_WORDS
            and folded not in _JOINERS
        ):
            phrase.append(word.rstrip("."))
            if word.endswith("."):
                break
        else:
            break
        index += 1
    if not head_seen:
        return None, False
    while phrase and not _keeps_tail(phrase):
        phrase.pop()
    title = " ".join(phrase)
    following = " ".join(tokens[index : index + 3])
    if fronts_object(following + " "):
        return None, False  # "…, den Vertrieb verantwortet Jana Kruse": an object, not a title
    elsewhere = _AT_ORGANIZATION.match(following)
    if elsewhere and not _names_own(elsewhere.group("org"), own):
        return None, False  # a role at another company ("previously CFO at Brightline")
    return (title or None), former


_AT_ORGANIZATION = re.compile(
    r"^(?:at|bei|chez|bij|hos|en)\s+(?:the\s+)?"
    r"(?P<org>[A-ZÀ-Ý][\w&'’-]*|einem|einer|a|an|une|un|una)\b"
)


def _names_own(word: str, own: Collection[str]) -> bool:
    """Whether a word after 'at' opens one of the page's own organization's names."""
    folded = fold(word)
    return any(name_words(name)[:1] == [folded] for name in own if name)


def _keeps_tail(phrase: list[str]) -> bool:
    """Whether a title phrase may end on its last word: a title word, the area after 'of',
    or an adjective after a title word ('directeur technique')."""
    last = phrase[-1]
    if is_title_word(last):
        return True
    if len(phrase) > 1 and fold_word(phrase[-2]) in _OF_WORDS:
        return True
    if len(phrase) > 2 and fold_word(phrase[-3]) in _OF_WORDS:
        return True
    return bool(_ADJECTIVE.search(fold_word(last))) and any(is_title_word(w) for w in phrase)


def _title_ahead(tokens: list[str], index: int) -> bool:
    for word in tokens[index : index + 3]:
        if is_title_word(word):
            return True
        if word in {",", ";", ":"}:
            return False
    return False


def _title_before(text: str) -> tuple[str | None, bool]:
    """The title the words right before a name give it ('our pastry chef, ', 'Ancien DAF ',
    'Technischer Geschäftsführer ist ', 'Delegado de protección de datos: ')."""
    text = text.rstrip()
    text = _COPULA_END.sub("", text)
    text = text[:-1].rstrip() if text.endswith((",", ":")) else text
    tokens = _TOKEN.findall(text)
    phrase: list[str] = []
    for word in reversed(tokens):
        if word in {",", ";", ":", "(", ")", "—", "–"} or len(phrase) >= MAX_BEFORE_TITLE + 2:
            break
        if word.endswith((".", "!", "?")) and phrase:
            break
        phrase.insert(0, word)
    # The phrase ends in a title word, or in "of <area>" after one ("Delegado de protección").
    heads = [i for i, w in enumerate(phrase) if is_title_word(w)]
    if not heads:
        return None, False
    tail = phrase[heads[-1] + 1 :]
    of_phrase = fold_word(tail[0]) in _OF_WORDS or _ELIDED_OF.match(tail[0]) if tail else True
    if tail and not (of_phrase and len(tail) <= 4):
        return None, False  # "chef d'atelier" and "Delegado de protección" end in their area
    former = any(is_former_word(w) for w in phrase[: heads[-1]])
    # The words must all belong to the title: it starts after the last determiner, clause
    # word or preposition before its head ("sous la responsabilité de notre chef d'atelier").
    cut = [
        i
        for i, w in enumerate(phrase[: heads[-1]])
        if (fold_word(w) in _CLAUSE_WORDS | _DETERMINERS | _OF_WORDS or fronts_object(w + " "))
        and not is_former_word(w)
    ]
    if cut:
        phrase = phrase[cut[-1] + 1 :]
    while phrase and (
        fold_word(phrase[0]) in _DETERMINERS
        or is_former_word(phrase[0])
        or fold_word(phrase[0]) in _JOINERS
        or not phrase[0][:1].isalpha()
    ):
        former = former or is_former_word(phrase[0])
        phrase = phrase[1:]
    if not phrase or not any(is_title_word(w) for w in phrase) or len(phrase) > MAX_TITLE_PHRASE:
        return None, False
    if len(phrase) > MAX_BEFORE_TITLE or not phrase[0][:1].isalpha():
        return None, False
    return " ".join(phrase), former


def _title_like(word: str) -> bool:
    return is_title_word(word) or fold_word(word) in _JOINERS | _OF_WORDS


# "Technischer Geschäftsführer ist Jens Albrecht": the title, a copula, then the name.
_APPOINTS = re.compile(
    r"\b(?:named|names|appointed|appoints|promoted|hired|hires|welcomes|recruited|taps|tapped"
    r"|nomme|a\s+nomm[ée]|recrute|embauche|nombra|ha\s+nombrado\s+a|nombrado\s+a|ficha\s+a"
    r"|contrata\s+a|incorpora\s+a|ha\s+incorporado\s+a|ernennt|gewinnt|holt|hat|benoemt"
    r"|utser|utn[äa]mner|anst[äa]ller"
    # German and Swedish put the verb before the subject: "Seitdem ist Birte Hansen …".
    r"|ist|war|wird|wurde|blir|[äa]r|var)\s+(?:(?:Dr|Mr|Mrs|Ms|Prof)\.?\s+)?$",
    re.IGNORECASE,
)
_ELIDED_OF = re.compile(r"^[dD][’'][\w-]+$")
_COPULA_END = re.compile(r"\s+(?:ist|is|est|es|är|was|war|era|heißt|heter|heet)$", re.IGNORECASE)
_ALIAS_LINK = re.compile(
    rf"^\s+(?:{_LINK_VERBS})\s+|^\s+(?:now\s+)?(?:serves|acts|works)\s+as\s+", re.IGNORECASE
)


def _prose(lines: list[_Line], not_people: Collection[str]) -> Iterator[Reading]:
    last_titled: Reading | None = None
    readings: list[Reading] = []
    aliases = _aliases(lines, not_people)
    for index, line in enumerate(lines):
        if line.kind in {"Q", "P", "N", "T"}:
            continue
        for sentence in _sentences(line.text):
            found = list(_sentence_people(sentence, not_people, last_titled))
            found += _alias_people(sentence, aliases, {r.name for r in found})
            found = _with_contact_lines(found, line, lines[index + 1 : index + 4])
            for reading in found:
                if reading.title:
                    last_titled = reading
            readings += found
    yield from readings


def _with_contact_lines(found: list[Reading], line: _Line, after: list[_Line]) -> list[Reading]:
    """A short line naming one person ('Geschäftsführer Michael Brandl'), then contact lines
    under it ('E-Mail: m.brandl@…'): the addresses there are that record's."""
    if len(found) != 1 or found[0].email or len(line.text.split()) > MAX_SEGMENT_LINE_WORDS:
        return found
    addresses: list[str] = []
    for following in after:
        if following.kind != "C":
            break
        addresses += following.emails
    email = email_of(found[0].name, addresses)
    return [replace(found[0], email=email)] if email else found


def _aliases(lines: list[_Line], not_people: Collection[str]) -> dict[str, str]:
    """First names and surnames that stand for one full name on the page ('Helen' for
    'Helen Carver')."""
    full: set[str] = set()
    for line in lines:
        full.update(line.names)
        if line.kind not in {"Q"}:
            for sentence in _sentences(line.text):
                full.update(name for _, _, name in names_in(sentence, not_people))
    counts: dict[str, set[str]] = {}
    for name in full:
        words = name.split()
        for word in (words[0], words[-1]):
            counts.setdefault(word, set()).add(name)
    return {word: next(iter(names)) for word, names in counts.items() if len(names) == 1}


_ALIAS = re.compile(r"(?<![\w'’-])([A-ZÀ-Ý][\w'’-]+)(?![\w'’-])")


def _alias_people(sentence: str, aliases: dict[str, str], named: set[str]) -> Iterator[Reading]:
    """'Helen serves as Director of Studies', 'Email Owen at owen.price@…'."""
    emails = [e.address for e in find_emails(sentence)]
    for match in _ALIAS.finditer(sentence):
        name = aliases.get(match.group(1))
        if not name or name in named or match.group(1) in name.split()[1:-1]:
            continue
        if sentence[max(0, match.start() - 1) : match.start()].strip() and match.start() > 0:
            pass
        after = sentence[match.end() :]
        title = None
        if _ALIAS_LINK.match(after):
            title, former = _title_after(after)
            if title and former:
                title = None
        email = email_of(name, emails)
        if title or email:
            yield Reading(
                name, _display(title) if title else None, PROSE_READER, sentence, True, email
            )


def _sentence_people(
    sentence: str, not_people: Collection[str], last_titled: Reading | None
) -> Iterator[Reading]:
    names = names_in(sentence, not_people)
    if not names:
        return
    departures = [m.start() for m in DEPARTURE.finditer(sentence)]
    emails = [e.address for e in find_emails(sentence)]
    for position, (start, end, name) in enumerate(names):
        next_start = names[position + 1][0] if position + 1 < len(names) else len(sentence)
        appointed = bool(_APPOINTS.search(sentence[:start]))
        title, former = _title_after(sentence[end:next_start], appointed, not_people)
        if title is None:
            previous_end = names[position - 1][1] if position else 0
            title, former = _title_before(sentence[previous_end:start])
        if title is None:
            title = duty_title(sentence, start, end, not_people)
            if title and CLOSED_SPAN.search(sentence[end:next_start]):
                former = True
        departed = any(
            start < cue and all(not (end <= other < cue) for other, _, _ in names[position + 1 :])
            for cue in departures
        )
        succession = SUCCESSION.search(
            _HONORIFIC_MASK.sub("", sentence[:start] + "X")[:-1].rstrip() + " "
        )
        if succession and not STAYS.search(sentence[end:]):
            departed = True
            if title is None and last_titled and last_titled.name != name:
                title = last_titled.title
        current = not (former or departed)
        email = email_of(name, emails)
        if title is not None:
            yield Reading(name, _display(title), PROSE_READER, sentence, current, email)
        elif not current or email:
            yield Reading(name, None, PROSE_READER, sentence, current, email)
