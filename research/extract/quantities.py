"""Counts a page states in sentences, bound to what they count, in several languages.

"Our engineering team of 15", "rund 85 Mitarbeiterinnen und Mitarbeiter, davon 20 Ingenieure",
"la société emploie 64 personnes, dont 22 ingénieurs, réparties sur 3 sites", "somos treinta
personas": numbers written as words become digits first (text2num), then each number is bound
to the noun right after it (a few adjectives may sit between) or to a cue before it ("team of
N", "serves N", "used by more than N"). Employee and engineer counts must be exact or
approximate ("about", "rund", "environ"); a floor ("more than 300") is read for customers only,
where it is how pages state them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from text_to_num import alpha2digit

from research.extract.lexicon import fold_word, is_title_word, words_in
from research.extract.records import sentences_of

TEXT2NUM_LANGUAGES = frozenset({"en", "fr", "es", "de", "nl", "pt", "it", "da"})
MAX_GAP_WORDS = 3


def _stems(text: str) -> tuple[str, ...]:
    return tuple(fold_word(w) for w in text.split())


# Nouns (folded prefixes) that say what a number counts.
NOUNS: dict[str, tuple[str, ...]] = {
    "engineers": _stems(
        """engineer developer programmer ingenieur ingenieure developpeu softwareentwickler
        entwickler ingeniero desarrollador ontwikkelaar utvecklare ingenjor"""
    ),
    "employees": _stems(
        """employee people staff person persons personnes salarie collaborateur collaboratrice
        employe mitarbeiter mitarbeitende beschaftigte menschen kopfe kollegen kollegin leute
        emplead trabajador personas profesional medewerker werknemer mensen anstallda
        medarbetare personer fte team members"""
    ),
    "locations": _stems(
        """office location site branch store shop boutique clinic clinique hotel haus hauser
        hausern standort filiale niederlassung bureau agence implantation etablissement
        oficina sede tienda planta restaurante ciudad cities city kontor vestiging winkel
        terminal entrepot warehouse plant coffee bars cafe-bars praxen manufacturing"""
    ),
    "customers": _stems(
        """customer client kunde kunden kundin cliente klant kunder user usuario utilisateur nutzer
        comercio entreprises clientes hospital websites teams utilities cafes"""
    ),
}
# Words that never follow a count of people or places ("2019 edition", "€5 million").
_GAP_WORDS = frozenset(
    fold_word(w)
    for w in words_in("""happy satisfied loyal full-time fulltime dedicated talented active skilled
    engineering software permanent qualified amazing more other different passionate
    zufriedene engagierte feste hochqualifizierte qualifizierte fest
    clients satisfaits fideles permanents
    felices fijos satisfechos
    tevreden vaste nöjda fasta
    manufacturing coffee""")
)
_NUMBER = re.compile(
    r"(?<![\w.,])(?P<n>\d{1,3}(?:(?:[,.\u00a0\u202f ])\d{3})+|\d+)(?P<plus>\+)?(?![\w])"
)
_FLOOR = re.compile(
    r"(?:over|more\s+than|upwards\s+of|at\s+least|[üu]ber|mehr\s+als|plus\s+de|m[áa]s\s+de"
    r"|meer\s+dan|[öo]ver|fler\s+[äa]n|mindestens)\s*$",
    re.IGNORECASE,
)
# Cues before a number that bind it without a noun after it.
_TEAM_OF = re.compile(
    r"(?:team\s+of|crew\s+of|staff\s+of|workforce\s+of|grown\s+to|headcount\s+of|we\s+are|we're"
    r"|wir\s+sind|nous\s+sommes|somos|vi\s+[äa]r|wij\s+zijn(?:\s+met)?|we\s+zijn(?:\s+met)?"
    r"|[ée]quipe\s+de|equipo\s+de|team\s+aus|team\s+van)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)
_ENGINEERING_TEAM_OF = re.compile(
    r"(?:engineering\s+team\s+(?:of|is)|entwicklungsteam\s+(?:aus|von)|[ée]quipe\s+de\s+"
    r"d[ée]veloppement\s+de|equipo\s+de\s+ingenier[íi]a\s+de)\s+$",
    re.IGNORECASE,
)
_SERVES = re.compile(
    r"(?:serves?|serving|supplying|supplies|supply|used\s+by|trusted\s+by|roast\s+for"
    r"|work\s+with|works\s+with|beliefern|betreuen|[ée]quipons|accompagne|equipamos"
    r"|damos\s+servicio\s+a|procesa\s+pagos\s+para|for|para|pour|f[üu]r)\s+"
    r"(?:(?:over|more\s+than|[üu]ber|mehr\s+als|plus\s+de|m[áa]s\s+de|meer\s+dan|[öo]ver)\s+)?$",
    re.IGNORECASE,
)
_TRUST_AFTER = re.compile(
    r"^\s*(?:\w+\s+){0,3}(?:trust|vertrauen|nous\s+font\s+confiance|conf[íi]an|vertrouwen"
    r"|litar\s+p[åa])",
    re.IGNORECASE,
)
_YEAR = r"(?P<year>(?:18|19|20)\d{2})"
_FOUNDED_AFTER = re.compile(
    r"\b(?:founded|established|started|began|opened|incorporated|gegr[üu]ndet|gr[üu]ndete"
    r"|er[öo]ffnet|abri[óo]|ouvert|ouverte|startade|[öo]ppnade|geopend"
    r"|fond[ée]e?|cr[ée][ée]e?|fundad[ao]|naci[óo]|se\s+fund[óo]|opgericht|grundades|grundad"
    r"|grundade)\b(?:[^.;]|\b(?:Dr|Mr|Mrs|Ms|Prof|St)\.){0,80}?\b" + _YEAR,
    re.IGNORECASE,
)
_FOUNDED_BEFORE = re.compile(
    _YEAR + r"\b[^.;]{0,60}?\b(?:founded|established|gegr[üu]ndet|gr[üu]ndete|fond[ée]e?"
    r"|fundad[ao]|opgericht|grundades|grundade)\b",
    re.IGNORECASE,
)
_SINCE = re.compile(r"\b(?:since|seit|depuis|desde|sinds|sedan)\s+" + _YEAR + r"\b", re.IGNORECASE)
_HIRING = re.compile(
    r"\b(?:hiring|hire|looking\s+for|seeking|recrutons|recrute|suchen|buscamos|contratamos"
    r"|zoeken|s[öo]ker|einstellen)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)
# "Since 2019." opens a sentence; "family-owned since 2006": a business's own age.
_SINCE_OWNED = re.compile(
    r"(?:^|owned|operated|familial|familiale|family|famille|business|trading)\s*$", re.IGNORECASE
)
_PIECES = re.compile(r"\s+[·|•]\s+")
_FINITE_VERB = re.compile(
    r"\b(?:has|have|had|is|are|was|were|been|come|came|ist|sind|war|hat|haben|est|sont|"
    r"[ée]tait|es|son|fue|era|ha|han|[äa]r|var|har|zijn|heeft|hebben)\b|['’]ve\b|['’]s\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Count:
    """A number in a sentence and what it counts."""

    what: str
    value: int
    floor: bool
    sentence: str
    weak: bool = False  # bound by "team of" or an occupation, not by a word for staff


def digits(text: str, language: str | None) -> str:
    """Numbers written as words turned into digits ('twenty-eight people' -> '28 people')."""
    lang = (language or "en").split("-")[0].lower()
    if lang not in TEXT2NUM_LANGUAGES:
        return text
    try:
        return str(alpha2digit(text, lang))
    except (ValueError, IndexError, KeyError):
        return text


def counts(lines: Iterable[str], language: str | None = None) -> Iterator[Count]:
    """Every count the lines state, in order."""
    for line in lines:
        for sentence in sentences_of(line):
            yield from _sentence_counts(digits(sentence, language))


def _value(raw: str) -> int:
    return int(re.sub(r"[^\d]", "", raw))


def _sentence_counts(sentence: str) -> Iterator[Count]:
    for match in _NUMBER.finditer(sentence):
        raw = match.group("n")
        value = _value(raw)
        before = sentence[: match.start()]
        after = sentence[match.end() :]
        if re.search(r"[$€£¥%]\s*$|\b(?:USD|EUR|GBP|CHF|SEK)\s*$", before) or re.match(
            r"^\s*(?:%|€|\$|m²|(?:percent|prozent|pour\s+cent|por\s+ciento|million|mio|millions"
            r"|billion|k|m|bn|euros?|dollars?|years?|jahre[n]?|ans|años|jaar|år|h|km|kg)\b)",
            after,
            re.IGNORECASE,
        ):
            continue
        if re.match(r"^\s*[–—-]\s*\d", after) or re.search(r"\d\s*[–—-]\s*$", before):
            continue  # a range ("11–50 employees") is a bracket, not a count
        if _HIRING.search(before) or re.match(
            r"^-(?:person|people|strong)\s+(?:engineering|development|dev|tech)", after, re.I
        ):
            continue  # openings, or an engineering team's size read by its own pattern
        floor = bool(match.group("plus")) or bool(_FLOOR.search(before))
        what = "customers" if _SERVES.search(before) else _noun_after(after)
        weak = what == "employees" and _noun_after(after, only="employees") is None
        if what is None and _ENGINEERING_TEAM_OF.search(before):
            what = "engineers"
        if what is None and _TEAM_OF.search(before) and not re.match(r"^\s*(?:%|\w+\s+of)", after):
            what, weak = "employees", True
        if what is None and (_SERVES.search(before) or _TRUST_AFTER.match(after)):
            what = "customers"
        if what is None:
            continue
        if _is_year(raw, before) and what != "customers":
            continue
        yield Count(what, value, floor, sentence, weak)


def _is_year(raw: str, before: str) -> bool:
    return bool(re.fullmatch(r"(?:18|19|20)\d{2}", raw)) and bool(
        re.search(r"\b(?:in|since|seit|im|en|depuis|desde|sinds|sedan|year|jahr)\s*$", before, re.I)
    )


def _noun_after(after: str, only: str | None = None) -> str | None:
    """What the words right after a number count: a noun, after at most a few modifiers."""
    words = re.findall(r"[^\W\d_][\w'’-]*|[,.;:()]", after)[: MAX_GAP_WORDS + 1]
    capitalized_seen = False
    for word in words:
        if word in {",", ".", ";", ":", "(", ")"}:
            return None
        folded = fold_word(word)
        tail = folded.rsplit("-", 1)[-1]  # "Abo-Kunden" counts customers
        for what, stems in NOUNS.items():
            if (only is None or what == only) and any(
                folded.startswith(s) or tail.startswith(s) for s in stems
            ):
                return what
        if only is None and folded.endswith("s") and is_title_word(word):
            return "employees"  # "34 architects and designers", "45 consultants"
        if folded in _GAP_WORDS or (word.islower() and len(word) > 2 and folded not in _STOPS):
            continue
        if word[:1].isupper() and not capitalized_seen:
            capitalized_seen = True  # "our 2 Tampa offices": a place before the noun
            continue
        return None
    return None


_STOPS = frozenset(fold_word(w) for w in words_in("of and und et y en och in at de du des van"))


def read_counts(lines: Iterable[str], language: str | None = None) -> dict[str, int]:
    """The first acceptable count of each kind: exact or approximate, or a floor for customers."""
    found: dict[str, int] = {}
    weak: dict[str, int] = {}
    for count in counts(lines, language):
        if count.floor and count.what != "customers":
            continue
        # "a team of 45 researchers" counts a team; "620 empleados" the company.
        target = weak if count.weak else found
        target.setdefault(count.what, count.value)
    return weak | found


def founded_year(
    lines: Iterable[str], *, has_person: Callable[[str], bool] | None = None
) -> int | None:
    """The year the company was founded, as a sentence states it, in any of the languages."""
    for line in lines:
        for sentence in sentences_of(line):
            for pattern in (_FOUNDED_AFTER, _FOUNDED_BEFORE):
                match = pattern.search(sentence)
                if match:
                    return int(match.group("year"))
            for piece in _PIECES.split(sentence):
                match = _SINCE.search(piece)
                if not match or (has_person and has_person(piece)):
                    continue
                # "Since 2019.", "family-owned since 2006", "… à Tours depuis 2005." with no
                # verb: the business's age, not when something else began.
                opening = _SINCE_OWNED.search(piece[: match.start()].strip(" ,"))
                verbless = not _FINITE_VERB.search(piece) and piece[match.end() :].strip(" .") == ""
                if opening or verbless:
                    return int(match.group("year"))
    return None
