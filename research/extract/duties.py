"""The role a sentence gives someone by what they do, when no title word names it.

Pages often say what a person does instead of what they are called: "Marion Lindner führt den
Hofladen", "den Vertrieb verantwortet Jana Kruse", "la chocolaterie est dirigée par Juliette
Verdier", "la gerencia está a cargo de Alicia Moreno", "founded in 1979 by Uwe Hansen". A
careful reader takes these as roles: leading an area makes its head, taking over a post makes
its holder, founding makes a founder. Every title returned is printed in the sentence (the area
or post), so that grounding finds it; leading the whole business prints no title and gives none.

Verbs are listed per language so the role reads in the page's own language; the area is the
noun phrase the verb governs, cut at the first clause word or punctuation.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from research.extract.lexicon import fold_word, words_in

MAX_AREA_WORDS = 5
# Words between an active verb and its object, or a passive verb and its agent:
# "dirigée aujourd'hui par sa petite-fille, …", "gegründet wurde sie 1979 von …".
MAX_GAP_WORDS = 4


@dataclass(frozen=True, slots=True)
class Duty:
    """What a verb makes of the person it governs, in one language."""

    lang: str
    kind: str  # "lead": heads the area; "found": founded it; "take": holds the post named


# Active verbs whose subject does the work and whose object is the area ("X leitet den Betrieb").
_ACTIVE: dict[str, Duty] = {}
# Passive and prepositional forms whose agent follows ("led by X", "a cargo de X").
_AGENT: dict[str, Duty] = {}


def _add(table: dict[str, Duty], lang: str, kind: str, phrases: str) -> None:
    for phrase in phrases.split(";"):
        phrase = phrase.strip()
        if phrase:
            table[phrase] = Duty(lang, kind)


_add(
    _ACTIVE,
    "en",
    "lead",
    "leads; led; runs; ran; heads; headed; manages; managed; oversees;"
    "oversaw; is responsible for; was responsible for; is in charge of; looks after; directs",
)
_add(_ACTIVE, "en", "found", "founded; co-founded; cofounded; started")
_add(_ACTIVE, "en", "take", "takes over; took over; assumes; assumed")
_add(
    _ACTIVE,
    "de",
    "lead",
    "leitet; leitete; führt; führte; verantwortet; verantwortete;betreut; betreute; managt",
)
_add(_ACTIVE, "de", "found", "gründete; gründeten; hat gegründet")
_add(_ACTIVE, "de", "take", "übernimmt; übernahm; hat übernommen")
_add(
    _ACTIVE,
    "fr",
    "lead",
    "dirige; dirigeait; gère; gérait; pilote; supervise; anime;"
    "est responsable de; est responsable du; est responsable des; est en charge de;"
    "est en charge du; est en charge des; s'occupe de; s'occupe du; s'occupe des;"
    "s’occupe de; s’occupe du; s’occupe des; a pris la direction de; a pris la direction du",
)
_add(_ACTIVE, "fr", "found", "a fondé; fonda; a créé; créa")
_add(_ACTIVE, "fr", "take", "prend; a pris; reprend; a repris")
_add(
    _ACTIVE,
    "es",
    "lead",
    "dirige; dirigía; gestiona; lidera; coordina; está a cargo de;"
    "es responsable de; se encarga de; se ocupa de",
)
_add(_ACTIVE, "es", "found", "fundó; creó")
_add(_ACTIVE, "es", "take", "asume; asumió")
_add(_ACTIVE, "nl", "lead", "leidt; leidde; beheert; is verantwoordelijk voor")
_add(_ACTIVE, "nl", "found", "richtte; heeft opgericht")
_add(_ACTIVE, "sv", "lead", "leder; ledde; ansvarar för; driver")
_add(_ACTIVE, "sv", "found", "grundade; startade")

_add(_AGENT, "en", "lead", "led by; run by; headed by; managed by; directed by")
_add(_AGENT, "en", "found", "founded by; co-founded by; started by; established by")
_add(_AGENT, "de", "lead", "geleitet von; geführt von; unter der leitung von")
_add(_AGENT, "de", "found", "gegründet von; gegründet wurde; gegründet hat")
_add(
    _AGENT,
    "fr",
    "lead",
    "dirigé par; dirigée par; géré par; gérée par; piloté par;pilotée par; sous la direction de",
)
_add(_AGENT, "fr", "found", "fondé par; fondée par; créé par; créée par")
_add(
    _AGENT,
    "es",
    "lead",
    "dirigido por; dirigida por; gestionado por; gestionada por;"
    "a cargo de; liderado por; liderada por; bajo la dirección de",
)
_add(_AGENT, "es", "found", "fundado por; fundada por; creado por; creada por")
_add(_AGENT, "nl", "lead", "geleid door; onder leiding van")
_add(_AGENT, "nl", "found", "opgericht door")
_add(_AGENT, "sv", "lead", "leds av; ledd av")
_add(_AGENT, "sv", "found", "grundades av; grundat av; startades av")


# Nouns that stand for the whole business rather than a part of it.
_BUSINESS = frozenset(
    fold_word(w)
    for w in words_in("""company business firm practice agency studio shop store group
    organisation organization enterprise family-business house
    unternehmen familienunternehmen firma betrieb familienbetrieb geschäft kanzlei praxis
    büro haus gruppe
    entreprise société maison cabinet agence atelier groupe affaire
    empresa compañía sociedad negocio casa despacho estudio grupo cooperativa
    bedrijf onderneming kantoor praktijk zaak
    företaget företag byrå firman verksamheten bolaget""")
)
_DETERMINERS = frozenset(
    fold_word(w)
    for w in words_in("""the our its their his her a an this
    den die das der dem des unser unsere unseren ihren seinen ihre seine
    le la les l' l’ du des de notre nos son sa ses cette ce
    el los las del al nuestro nuestra su sus este esta
    het de onze ons zijn haar
    vår vårt våra hans hennes""")
)
_STOP = frozenset(
    fold_word(w)
    for w in words_in("""since from with together alongside in at for and who which that while
    seit mit gemeinsam zusammen bei im in am und die der seit dem von
    depuis avec aux au en et qui dans
    desde con junto en y que
    sinds met samen in en die
    sedan med tillsammans i och som
    today now aujourd'hui heute hoy nu""")
)
_FUNDING = re.compile(
    r"\b(?:round|runde|finanzierungsrunde|ronda|tour|funding|financing|financement"
    r"|financiación|investment|investition|inversión|seed|series)\b|\d",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:1[89]|20)\d{2}\b")
_WORD = re.compile(r"[\w’'&-]+|[^\w\s]")


def _pattern(phrases: Collection[str]) -> str:
    ordered = sorted(phrases, key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


# "Rob Daniels, who led our sales team", "Priya Shah now heads sales".
_RELATIVE = r"who|qui|der|die|que|quien|som|dat"
_NOW = (
    r"now|currently|also|today|heute|jetzt|nun|derzeit|auch|aujourd'hui|aujourd’hui|désormais"
    r"|actuellement|aussi|ahora|hoy|actualmente|también|nu|numera|också|thans|ook"
)
# A role held between two years is over: "who led our sales team from 2014 to 2022".
CLOSED_SPAN = re.compile(
    r"\b(?:from|von|de|desde|van|från)?\s*(?:19|20)\d{2}\s*(?:to|until|bis|à|au|a|hasta|tot|till"
    r"|–|-)\s*(?:19|20)\d{2}\b",
    re.IGNORECASE,
)
_ACTIVE_AFTER = re.compile(
    rf"^\s*(?:,[^,.;:]{{1,80}},\s*|,\s*(?:{_RELATIVE})\s+)?(?:(?:{_NOW})\s+)?"
    rf"(?P<verb>{_pattern(_ACTIVE)})\s+(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
# German, Dutch and Swedish put the verb second: "Die Produktion leitet Sven Ott",
# "Seit 2018 leitet Anna Keller das Familienunternehmen".
_ACTIVE_BEFORE = re.compile(
    rf"(?:^|[\s,;])(?P<verb>{_pattern(_ACTIVE)})\s+(?:(?:Dr|Prof|Mr|Mrs|Ms)\.?\s+)?$",
    re.IGNORECASE,
)


def _agent_pattern(phrases: Collection[str]) -> str:
    """'dirigée par' also reads 'dirigée aujourd'hui par', 'gegründet wurde sie 1979 von'."""
    forms = []
    for phrase in sorted(phrases, key=len, reverse=True):
        head, _, prep = phrase.rpartition(" ")
        gap = r"(?:[^\s.,;:!?]+\s+){0,3}?" if " " not in head else ""
        forms.append(re.escape(head).replace(r"\ ", r"\s+") + r"\s+" + gap + re.escape(prep))
    return "|".join(forms)


_AGENT_BEFORE = re.compile(
    rf"(?P<verb>{_agent_pattern(_AGENT)})\s+(?P<gap>(?:[^\s.;:!?]+\s+){{0,{MAX_GAP_WORDS}}})$",
    re.IGNORECASE,
)
_JOINER_WORDS = frozenset(words_in("and und et y och en &"))


def _duty(table: dict[str, Duty], verb: str) -> Duty | None:
    key = re.sub(r"\s+", " ", verb.lower())
    return table.get(key) or next(
        (duty for phrase, duty in table.items() if phrase.lower() == key), None
    )


def _agent_duty(verb: str) -> Duty | None:
    words = verb.lower().split()
    for phrase, duty in _AGENT.items():
        parts = phrase.lower().split()
        if " " in phrase.rpartition(" ")[0]:
            if words == parts:
                return duty
        elif words[0] == parts[0] and words[-1] == parts[-1]:
            return duty
    return None


def _plain_gap(gap: str) -> bool:
    """Between the agent's preposition and the name: a kinship phrase ('sa petite-fille,'),
    or other names joined to this one ('Anna Roth und'); never a clause of its own."""
    words = gap.split()
    if not words:
        return True
    if fold_word(words[-1]) in _JOINER_WORDS or words[-1].endswith(","):
        return all(fold_word(w.rstrip(",")) not in _STOP or w in _JOINER_WORDS for w in words)
    return all(w[:1].islower() for w in words) and len(words) <= 3


# "übernimmt zum 1. Oktober 2024 den Vorsitz", "leitet seit 2009 den Betrieb".
_WHEN = re.compile(
    r"^\s*(?:(?:zum|ab|am|seit|from|on|as\s+of|effective|à\s+partir\s+du|dès\s+le|le|en|in|im"
    r"|desde|a\s+partir\s+del|el|per|vanaf|sinds|sedan|från|since|depuis)\s+)?"
    r"(?:\d{1,2}(?:\.|er|st|nd|rd|th)?\s+[^\W\d]+\.?\s+)?(?:19|20)\d{2}\s*,?\s*",
    re.IGNORECASE,
)
_OF = frozenset(words_in("der des of de du del van för d’ d'"))


def _area(text: str) -> str | None:
    """The noun phrase a verb governs: determiners off, cut at a clause word or punctuation;
    one of-phrase kept ('Vorsitz der Geschäftsführung')."""
    words: list[str] = []
    started = False
    of_taken = False
    text = _WHEN.sub("", text, count=1)
    for token in _WORD.findall(text):
        folded = fold_word(token)
        if not token[:1].isalnum():
            break
        if not started and folded in _DETERMINERS:
            continue
        if started and folded in _OF and not of_taken and token[:1].islower():
            of_taken = True
            words.append(token)
            continue
        if started and folded in _STOP:
            # "Buchhaltung und Personal", "ventas y marketing": a conjunction between nouns.
            if folded in {"und", "and", "et", "y", "en", "och"} and len(words) < MAX_AREA_WORDS:
                words.append(token)
                continue
            break
        if not started and (folded in _STOP or token.isdigit()):
            return None
        started = True
        words.append(token)
        if len(words) >= MAX_AREA_WORDS:
            break
    while words and fold_word(words[-1]) in {"und", "and", "et", "y", "en", "och"} | _OF:
        words.pop()
    return " ".join(words) or None


def _is_business(area: str | None, companies: Collection[str]) -> bool:
    if not area:
        return True
    folded = fold_word(area)
    if any(folded == fold_word(c) or fold_word(c).startswith(folded) for c in companies if c):
        return True
    last = folded.split()[-1]
    return any(last == noun or (len(noun) > 5 and last.endswith(noun)) for noun in _BUSINESS)


def _role(duty: Duty, area: str | None, companies: Collection[str], sentence: str) -> str | None:
    """The role as the page prints it: the area or post the verb names. A lead of the whole
    business prints no title of its own and gives none; 'Founder' is read where the page says
    the person founded it, outside the business's dated history."""
    if duty.kind == "found":
        # "fondée en 1954 par Henri Verdier" is the business's history, not who works there
        # now; grounding reads 'Founder' from the founding verb in English only.
        return None if duty.lang != "en" or _YEAR.search(sentence) else "Founder"
    if not area or _is_business(area, companies) or _FUNDING.search(area):
        return None  # "Evergreen Row led the $5M seed round": an investor, not a role
    return area[:1].upper() + area[1:] if duty.lang in {"de", "nl", "sv"} else area


def duty_title(sentence: str, start: int, end: int, companies: Collection[str] = ()) -> str | None:
    """The role the sentence gives the name at ``sentence[start:end]`` by a verb, if any."""
    before, after = sentence[:start], sentence[end:]
    agent = _AGENT_BEFORE.search(before)
    if agent and _plain_gap(agent.group("gap")):
        duty = _agent_duty(agent.group("verb"))
        if duty:
            clause = re.split(r"[.;:!?]", before[: agent.start()])[-1]
            if _FUNDING.search(clause):
                return None  # "a $5M seed round led by Foundry Row": the investor
            subject = _subject(before[: agent.start()])
            return _role(duty, subject if duty.kind != "found" else None, companies, sentence)
    active = _ACTIVE_BEFORE.search(before)
    if active:
        duty = _duty(_ACTIVE, active.group("verb"))
        if duty:
            preceding = _object_before(before[: active.start()])
            area = preceding or _area(after)
            return _role(duty, area, companies, sentence)
    match = _ACTIVE_AFTER.match(after)
    if match:
        duty = _duty(_ACTIVE, match.group("verb"))
        if duty:
            return _role(duty, _area(match.group("rest")), companies, sentence)
    return None


_AUXILIARIES = frozenset(
    fold_word(w)
    for w in words_in("""is was are ist wird wurde est a été es está fue ha sido wordt werd blir har
    aujourd'hui today heute hoy now currently actuellement""")
)


def _subject(text: str) -> str | None:
    """The subject of a passive clause: 'La gerencia está a cargo de' -> 'gerencia'."""
    clause = re.split(r"[,.;:!?]", text)[-1]
    words = clause.split()
    while words and fold_word(words[-1]) in _AUXILIARIES:
        words.pop()
    return _area(" ".join(words[-MAX_AREA_WORDS:])) if words else None


def _object_before(text: str) -> str | None:
    """The object a verb-second clause fronts: 'den Vertrieb verantwortet …' -> 'Vertrieb'."""
    clause = re.split(r"[,.;:!?]", text)[-1].strip()
    words = clause.split()
    if not words or fold_word(words[0]) not in _DETERMINERS or len(words) > MAX_AREA_WORDS + 1:
        return None
    return _area(clause)


_VERB_AHEAD = re.compile(rf"^\s*(?:{_pattern(_ACTIVE)})\s", re.IGNORECASE)
_VERB_NEXT = re.compile(rf"^\s+(?:{_pattern(_ACTIVE)})\s", re.IGNORECASE)


def fronts_object(text_after_phrase: str) -> bool:
    """Whether a verb of duty follows a phrase, which is then its object, not a title:
    '…, den Vertrieb verantwortet Jana Kruse'."""
    return bool(_VERB_AHEAD.match(text_after_phrase))


def verb_follows(text_after_name: str) -> bool:
    """Whether the name is the subject of a verb of duty right after it."""
    return bool(_VERB_NEXT.match(text_after_name))
