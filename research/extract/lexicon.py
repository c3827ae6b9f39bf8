"""Words that make a phrase a job title, a former role or a shared inbox, in several languages.

Pages print titles in their own language: "Geschäftsführerin", "Directrice financière",
"Consejero delegado", "VD". A phrase is a title when one of its words is a title's head noun
(an occupation or a rank) in English, German, French, Spanish, Dutch or Swedish. German,
Dutch and Swedish build compounds ("Vertriebsleiter", "Redovisningskonsult"), so a long word
that ends in a head noun counts too. All matching is on folded text (lowercase, no accents).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import unicodedata
from functools import lru_cache


def words_in(text: str) -> list[str]:
    """The whitespace-separated words of a word list."""
    return text.split()


def fold_word(text: str) -> str:
    """Lowercase ASCII: 'Geschäftsführerin' -> 'geschaftsfuhrerin'."""
    text = text.replace("ß", "ss").replace("ø", "o").replace("æ", "ae").replace("œ", "oe")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _words(text: str) -> frozenset[str]:
    return frozenset(fold_word(w) for w in text.split())


# Head nouns of titles: occupations and ranks, masculine and feminine forms.
TITLE_HEADS = _words(
    # English
    """ceo cto cfo coo cmo cpo cio ciso cso cro chro cdo vp evp svp md gm
    president vice-president chair chairman chairwoman chairperson treasurer secretary trustee
    director manager officer executive head lead leader founder co-founder cofounder owner
    co-owner proprietor partner associate principal superintendent supervisor coordinator
    administrator assistant receptionist analyst specialist consultant advisor adviser
    counsel attorney lawyer solicitor barrister paralegal notary accountant bookkeeper
    controller auditor engineer developer programmer architect designer scientist researcher
    technician mechanic electrician plumber installer foreman surveyor planner estimator
    inspector editor writer producer journalist photographer marketer strategist recruiter
    dentist hygienist orthodontist physician doctor surgeon nurse therapist pharmacist
    optometrist veterinarian vet midwife chef baker barista cook sommelier butcher
    teacher lecturer professor dean tutor librarian pastor minister rector
    representative agent broker buyer merchandiser clerk intern trainee apprentice
    member governor commissioner mayor councillor officer-in-charge steward caretaker
    stylist hairdresser instructor trainer coach manager-director contact spokesperson
    dockmaster headteacher headmaster roaster estimator administrator librarian
    physiotherapist osteopath psychologist pitmaster brewer winemaker guide
    chancellor provost registrar bursar curator conservator"""
    # German
    """ geschaftsfuhrer geschaftsfuhrerin geschaftsleitung geschaftsleiter inhaber inhaberin
    vorstand vorstandin vorstande vorsitzender vorsitzende aufsichtsrat aufsichtsratin
    leiter leiterin leitung prokurist prokuristin gesellschafter gesellschafterin
    rechtsanwalt rechtsanwaltin anwalt anwaltin notar notarin steuerberater steuerberaterin
    wirtschaftsprufer berater beraterin referent referentin assistent assistentin
    sachbearbeiter sachbearbeiterin ingenieur ingenieurin entwickler entwicklerin
    meister meisterin braumeister zahnarzt zahnarztin arzt arztin fachangestellte
    fachangestellter mitarbeiter mitarbeiterin sekretarin sekretar buchhalter buchhalterin
    beauftragter beauftragte datenschutzbeauftragter vertrieb einkauf personal
    partnerin architekt architektin techniker technikerin monteur kaufmann kauffrau
    vorstandsvorsitzender vorstandsvorsitzende finanzvorstand finanzvorstandin
    bereichsleiter abteilungsleiter teamleiter projektleiter vertriebsleiter kontakt
    geschaftsfuhrung pressekontakt pressesprecher pressesprecherin ansprechpartner ansprechpartnerin
    kassenwart kassierer kassiererin schriftfuhrer schriftfuhrerin jugendleiter vorsitz
    designerin schreinermeister gesellschafterin stellvertreter stellvertreterin"""
    # French
    """ directeur directrice gerant gerante president presidente fondateur fondatrice
    cofondateur cofondatrice co-fondateur co-fondatrice associe associee avocat avocate
    collaborateur collaboratrice responsable chef cheffe charge chargee ingenieur ingenieure
    developpeur developpeuse consultant consultante architecte comptable secretaire
    assistant assistante tresorier tresoriere dessinateur dessinatrice dessinateur-projeteur
    conseiller conseillere delegue deleguee administrateur administratrice commercial
    commerciale gestionnaire technicien technicienne medecin dentiste infirmier infirmiere
    maire adjoint adjointe maitre pdg dg daf drh dsi vice-president vice-presidente
    coordinateur coordinatrice animateur animatrice educateur educatrice formateur
    formatrice redacteur redactrice vendeur vendeuse pharmacien pharmacienne preparateur
    preparatrice proviseur proviseure principale expert-comptable dirigeant dirigeante
    chocolatier chocolatiere artisan plombier electricien notaire graphiste infirmier
    infirmiere osteopathe kinesitherapeute veterinaire"""
    # Spanish
    """ director directora gerente presidenta fundador fundadora cofundador cofundadora
    socio socia abogado abogada consejero consejera delegado delegada jefe jefa
    coordinador coordinadora ingeniero ingeniera desarrollador desarrolladora consultor
    consultora arquitecto arquitecta contable secretario secretaria tesorero tesorera
    administrador administradora especialista higienista odontologo odontologa medico
    medica enfermero enfermera tecnico tecnica asesor asesora analista vicepresidente
    vicepresidenta responsable contacto portavoz
    aparejador aparejadora vocal agente gerenta abogado farmaceutico farmaceutica osteopata
    fisioterapeuta terapeuta psicologo psicologa logopeda nutricionista veterinario
    veterinaria auxiliar concejal concejala alcalde alcaldesa teniente profesor profesora
    maestro maestra gestor gestora colegiado colegiada"""
    # Dutch
    """ directeur-eigenaar eigenaar eigenaresse oprichter medeoprichter projectleider leider
    hoofd adviseur medewerker hovenier voorman monteur vennoot bestuurder voorzitter
    secretaris penningmeester ontwikkelaar advocaat notaris compagnon bedrijfsleider
    accountmanager notaris kandidaat-notaris arts huisarts tandarts dierenarts assistente
    verpleegkundige praktijkmanager"""
    # Swedish
    """ vd ordforande chef konsult ansvarig grundare delagare ekonomichef saljare utvecklare
    ingenjor tekniker styrelseledamot ledamot redovisningskonsult lonekonsult platschef
    projektledare kundansvarig"""
)
# Word endings that make a compound a title ("Vertriebsleiterin", "Lönekonsult").
COMPOUND_HEADS = tuple(
    fold_word(w)
    for w in words_in("""leiter leiterin leitung fuhrer fuhrerin meister meisterin berater beraterin
    beauftragter beauftragte vorstand vorstandin referent referentin entwickler entwicklerin
    ingenieur ingenieurin assistent assistentin anwalt anwaltin kaufmann kauffrau
    vorsitzender vorsitzende konsult chef ansvarig ledare ledamot leider adviseur manager
    director direktor direkteur officer engineer developer designer master notaris inhaber
    inhaberin therapeut therapeutin arzt arztin fachangestellte fachangestellter kraft mastare
    bakker baker bakare kontakt arts assistente architekt architektin""")
)
MIN_COMPOUND = 8
# Bodies whose heading makes everyone under it a member ("Vorstand", "Board of Directors").
COLLECTIVES = _words(
    """board vorstand aufsichtsrat geschaftsfuhrung geschaftsleitung beirat direction
    directoire bureau comite conseil directorio consejo junta bestuur directie raad
    styrelse ledningsgrupp ledning partners partner associates"""
)
# Titles that, printed alone, are also ordinary words; they count only beside a name.
WEAK_HEADS = _words(
    "member lead head chef agent personal vertrieb einkauf commercial contact kontakt contacto"
)
# Words saying a role is over: "former CTO", "ehemaliger Vertriebsleiter", "ancien directeur".
FORMER_WORDS = _words(
    """former formerly previous previously ex ex- erstwhile outgoing late retired
    ehemalig ehemalige ehemaliger ehemaligen fruher fruhere fruherer vormalig vormaliger
    ancien ancienne anciens ex-directeur antiguo antigua anterior exdirector
    voormalig voormalige oud-directeur tidigare forre f.d. zuletzt zuvor vorher auparavant
    anteriormente"""
)
# Sentences saying someone left.
DEPARTURE = re.compile(
    r"\b(?:ha(?:s|ve|d)\s+left|left\s+(?:the|in|us)|(?:is\s+)?stepp(?:ed|ing)\s+down|steps\s+down"
    r"|retired|has\s+retired|resigned|depart(?:ed|s)|no\s+longer|moved\s+on"
    r"|(?:im|in\s+den)\s+ruhestand|(?:von|from|de|desde|fr[åa]n|van)\s+(?:19|20)\d{2}\s+"
    r"(?:bis|to|until|[àa]|hasta|till|tot)\s+(?:19|20)\d{2}|fallec[ií][óo]|passed\s+away|died"
    r"|verstorben|est\s+d[ée]c[ée]d[ée]|im\s+ruhestand|verl[äa]sst|verlie[sß]|ausgeschieden|hat\s+das\s+unternehmen\s+verlassen"
    r"|a\s+quitt[ée]|quitte|est\s+parti|a\s+pris\s+sa\s+retraite|rejoint\s+une\s+autre"
    r"|a\s+rejoint\s+une\s+autre|dej[óo]|abandon[óo]|se\s+jubil[óo]"
    r"|vertrokken|is\s+vertrokken|met\s+pensioen|slutade|l[äa]mnade|har\s+g[åa]tt\s+i\s+pension"
    r"|g[åa]r\s+i\s+pension|pensionerad|part\s+[àa]\s+la\s+retraite|prend\s+sa\s+retraite"
    r"|retrait[ée]e?|se\s+jubila|jubilad[oa]|se\s+retir[óo]|wechselte|verabschiedet"
    r"|will\s+retire|is\s+retiring|who\s+left|has\s+since\s+left|zur[üu]ckzog|zur[üu]ckgezogen"
    r"|stepped\s+back|withdrew|se\s+retir[óo]|s['’]est\s+retir[ée]e?)\b",
    re.IGNORECASE,
)
# "X succeeds Y": Y held the title before.
SUCCESSION = re.compile(
    r"\b(?:succeeds|succeeded|succeeding|replaces|replaced|replacing|takes\s+over\s+from"
    r"|folgt\s+auf|folgte\s+auf|l[öo]st|succ[èe]de\s+[àa]|a\s+succ[ée]d[ée]\s+[àa]|remplace"
    r"|sustituye\s+a|sustituy[óo]\s+a|sucede\s+a|sucedi[óo]\s+a|reemplaza\s+a|reemplaz[óo]\s+a"
    r"|volgt|volgde|efterträder|[üu]bernimmt\s+(?:die\s+\w+\s+)?von|[üu]bernahm\s+(?:die\s+\w+\s+)?von"
    r"|tritt\s+die\s+nachfolge\s+von|prend\s+la\s+suite\s+de|toma\s+el\s+relevo\s+de"
    r"|eftertr[äa]der)\s+$",
    re.IGNORECASE,
)
# Words saying a succeeded person stays on in another role.
STAYS = re.compile(
    r"\b(?:remain|remains|will\s+remain|continue|continues|stays|bleibt|wird|devient|reste"
    r"|restera|pasa\s+a\s+ser|seguir[áa]|sigue|blijft|stannar|kvar)\b",
    re.IGNORECASE,
)
# A closed span of years: "(2019–2022)", "1990 bis 2018".
CLOSED_YEARS = re.compile(r"\b(?:19|20)\d{2}\s*[–—-]\s*(?:19|20)\d{2}\b")
# Headings over people who have left: "Alumni", "Former Team Members", "Ehemalige".
FORMER_HEADING = re.compile(
    r"\b(?:alumni|former|past|ehemalige|fr[üu]here|anciens?|anciennes?|antiguos?|antiguas?"
    r"|oud-medewerkers|voormalige|tidigare|in\s+memoriam)\b",
    re.IGNORECASE,
)
# Local parts of shared inboxes, in several languages.
SHARED_INBOX_WORDS = _words(
    """info information hello hi contact contacts kontakt office mail post admin sales support
    help service services enquiries enquiry inquiries team jobs careers career hr recruiting
    recrutement recrutements recruitment press presse prensa media marketing billing invoices
    accounts accounting buchhaltung finance sekretariat secretariat secretaria reception
    empfang bestellung orders order shop webmaster privacy datenschutz dpo legal noreply
    no-reply citas reservas reservations booking bookings empleo trabajo rrhh ir investor
    investors bureau kantoor verkoop kundtjanst kundservice ekonomi export import
    urbanisme mairie accueil commande dispatch wholesale general"""
)
# Letters after a name: degrees and credentials ("Emily Hart, DVM", "Angela Morris CFP®").
CREDENTIALS = _words(
    """dvm md phd dds dmd rn np pa-c cpa cfp cfp® cfa esq esq. mba jd llm frcs mrcp pe ra aia
    msc bsc ma ba mphil dphil facs faia cpa/pfs ea lpc lcsw"""
)
# Last words of departments and functions, which headings and rows print like names.
DEPARTMENT_WORDS = _words(
    """affairs audit relations services resources operations communications sales support
    development administration accounting compliance procurement logistics marketing
    finance engineering research security facilities affaires publiques ressources
    verwaltung vertrieb einkauf buchhaltung kommunikation entwicklung inquiries enquiries
    office offices contact contacts questions requests stellen positionen openings positions
    vacancies jobs ofertas vacantes postes vacatures tjanster roles name names nom nombre
    vorname nachname apellido apellidos surname"""
)
HONORIFICS = _words(
    """dr dr. dra dra. prof prof. mr mr. mrs mrs. ms ms. miss mx sir dame maitre me mme mlle
    d. dna dna. dona. ir ir. drs drs. mevr mevr. dhr dhr.
    m. herr frau sr sr. sra sra. don dona ing ing. dipl.-ing. mag mag. med med. dent dent.
    univ.-prof. rer rer. nat nat. phd mba"""
)


@lru_cache(maxsize=32_768)
def is_first_name(word: str) -> bool:
    """Whether a word is a common given name in one of many countries."""
    return fold_word(word) in _first_names()


def has_given_name(name: str) -> bool:
    """Whether a name opens with a known given name, honorifics aside ('Dr. Jean-Luc Roy')."""
    words = strip_honorifics(name).split()
    if len(words) < 2:
        return False
    first = words[0].strip(".,")
    return is_first_name(first) or is_first_name(first.split("-", 1)[0])


@lru_cache(maxsize=1)
def _first_names() -> frozenset[str]:
    """Given names of every country Faker keeps a list for, in Latin script."""
    return _faker_names(("first_names", "first_names_male", "first_names_female"))


def _faker_names(attributes: tuple[str, ...]) -> frozenset[str]:
    """The names Faker's person providers of every country list under ``attributes``."""
    names: set[str] = set()
    package = importlib.import_module("faker.providers.person")
    for module_info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{module_info.name}")
        provider = getattr(module, "Provider", None)
        for attribute in attributes:
            listed = getattr(provider, attribute, ())
            if isinstance(listed, (list, tuple, set, frozenset, dict)):
                names.update(fold_word(str(n)) for n in listed if _latin(str(n)))
    return frozenset(names)


@lru_cache(maxsize=32_768)
def is_family_name(word: str) -> bool:
    """Whether a word is a common family name in one of many countries."""
    return fold_word(word) in _family_names()


@lru_cache(maxsize=1)
def _family_names() -> frozenset[str]:
    """Family names of every country Faker keeps a list for, in Latin script."""
    return _faker_names(("last_names", "last_names_male", "last_names_female"))


EVERYDAY_FREQUENCY = 1_000
"""A word seen this often in the spell checker's English corpus is an everyday word."""


@lru_cache(maxsize=32_768)
def is_everyday_word(word: str) -> bool:
    """Whether a capitalized word is an everyday English word and no one's given or family
    name: 'Management', 'Bathroom' and 'Opportunities' are; 'Harbor', 'Rich', 'Baker' are
    names too."""
    from research.planner.language import word_frequency

    bare = word.strip(".,;:()'’")
    if len(bare) < MIN_EVERYDAY or not bare.isalpha():
        return False  # an initial, or a name with an apostrophe or a hyphen
    if word_frequency(bare) < EVERYDAY_FREQUENCY:
        return False
    return not (is_first_name(bare) or is_family_name(bare))


MIN_EVERYDAY = 3


def _latin(name: str) -> bool:
    return bool(name) and all(ord(c) < LATIN_END or not c.isalpha() for c in name)


# Letters past Latin Extended-B are other scripts: their names never match a Latin page.
LATIN_END = 0x250


@lru_cache(maxsize=32_768)
def is_title_word(word: str) -> bool:
    """Whether a word is a title's head noun, in any of the languages."""
    folded = fold_word(word.strip(".,;:()[]\"'’"))
    if not folded:
        return False
    if folded in TITLE_HEADS:
        return True
    for suffix in ("s", "es", "en", "innen", "in", "e", "er"):
        if folded.endswith(suffix) and folded[: -len(suffix)] in TITLE_HEADS:
            return True
    if len(folded) >= MIN_COMPOUND and any(
        folded.endswith(head) and folded != head for head in COMPOUND_HEADS
    ):
        return True
    # "Président-directeur", "Directeur-eigenaar": a hyphenated pair of titles.
    parts = [p for p in folded.split("-") if p]
    return len(parts) > 1 and any(p in TITLE_HEADS for p in parts)


_WORD = re.compile(r"[^\W\d_][\w'’.\-]*")


def title_words(text: str) -> list[str]:
    """The words of a text that are titles' head nouns."""
    return [w for w in _WORD.findall(text) if is_title_word(w)]


def looks_like_title(text: str, *, max_words: int = 9) -> bool:
    """Whether a short text is a job title: a head noun, few words, no sentence."""
    text = text.strip(" \t·|,;:-–—()")
    if not text or len(text) > 90:
        return False
    words = text.split()
    if len(words) > max_words or re.search(r"[!?@]|\d{3,}|https?:", text):
        return False
    if text.endswith(".") and len(words) > 3:
        return False
    heads = title_words(text)
    if not heads:
        return False
    weak = all(fold_word(h) in WEAK_HEADS for h in heads)
    # "Kontakt", "Contact us": a weak head alone or with a pronoun is no title.
    return not (weak and (len(words) == 1 or any(fold_word(w) in _PRONOUNS for w in words)))


_PRONOUNS = frozenset(words_in("us me nous uns nos oss ons nosotros"))


def is_shared_inbox(address: str) -> bool:
    """Whether an address is a shared inbox ('kontakt@', 'presse@', 'citas@')."""
    local = address.split("@", 1)[0].lower()
    parts = re.split(r"[._+\-]", local)
    return local in SHARED_INBOX_WORDS or any(p in SHARED_INBOX_WORDS for p in parts if p)


def strip_honorifics(text: str) -> str:
    """'Dr. med. dent. Ursula Keller' -> 'Ursula Keller'; 'Maître Jean Dupont' -> 'Jean Dupont'."""
    words = text.split()
    while len(words) > 2:
        if fold_word(words[0]) in HONORIFICS:
            words = words[1:]
        elif _ABBREVIATION.match(words[0]) and any(is_first_name(w) for w in words[1:3]):
            words = words[1:]  # German ranks before a given name ("OStD' Dr. Cornelia Becker")
        else:
            break
    while len(words) > 2 and fold_word(words[-1].strip(",")) in HONORIFICS | CREDENTIALS:
        words = words[:-1]
    return " ".join(words).strip(" ,")


_ABBREVIATION = re.compile(r"^(?:[\w.-]*[.'’]|[A-Z][a-z]?[A-Z]\w*)$")


def is_former_word(word: str) -> bool:
    """Whether a word says the role is over ('former', 'ehemaliger', 'ancienne', 'exsocio')."""
    folded = fold_word(word.strip(".,;:()"))
    if folded in FORMER_WORDS:
        return True
    # "Ex-CEO", "exsocio", "oud-directeur": a prefix on the title itself.
    for prefix in ("ex-", "oud-", "ehemals-"):
        if folded.startswith(prefix) and len(folded) > len(prefix) + 2:
            return True
    return folded.startswith("ex") and folded[2:] in TITLE_HEADS and len(folded) > 5
