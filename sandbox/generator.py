"""Draw a deterministic sandbox web from a seed: companies, people, noise, then pages.

Every random choice comes from a ``random.Random`` derived from the seed (one per company,
so adding companies does not reshuffle the others) and Faker instances reseeded per draw;
nothing reads the clock or the global random state.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from sandbox import icp, templates, vocab
from sandbox.build import build_web
from sandbox.model import (
    INDUSTRIES,
    REFERENCE_DATE,
    STAGES,
    Company,
    EmailPublished,
    FundingRound,
    Person,
    SandboxWeb,
)
from sandbox.text import ascii_fold


@dataclass(frozen=True)
class Spec:
    """Constraints for one company draw; empty fields are drawn freely."""

    industry: str | None = None
    countries: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    employees: tuple[int, int] | None = None
    engineers: tuple[int, int] | None = None
    tech_required: tuple[str, ...] = ()
    tech_forbidden: tuple[str, ...] = ()
    hiring: tuple[str, ...] = ()  # one of these openings is added
    not_hiring: str | None = None  # a regex no opening may match
    roles_required: tuple[str, ...] = ()  # role keys, or icp.FOUNDER
    roles_forbidden: tuple[str, ...] = ()
    near_miss: bool = False


@dataclass(frozen=True)
class Plant:
    """A cluster seeded for one reference ICP: a matching spec and one-facet-off variants."""

    icp: str
    match: Spec
    misses: dict[str, dict[str, Any]] = field(default_factory=dict)


_EU_CORE = ("FR", "DE", "NL", "SE", "ES", "IE", "FI")
PLANTS: tuple[Plant, ...] = (
    Plant(
        "fr_fintech_series_a",
        Spec(
            industry="fintech",
            countries=("FR",),
            stages=("series_a",),
            engineers=(21, 42),
            roles_required=("vp_engineering", "head_of_growth"),
        ),
        {
            "stage": {"stages": ("seed", "series_b")},
            "country": {"countries": ("BE", "ES", "DE")},
            "engineers": {"engineers": (12, 18)},
            "roles": {
                "roles_required": (),
                "roles_forbidden": ("vp_engineering", "head_of_growth"),
            },
        },
    ),
    Plant(
        "us_healthtech_data",
        Spec(
            industry="healthtech",
            countries=("US",),
            stages=("series_c", "series_d", "growth"),
            employees=(540, 4600),
            tech_required=("Snowflake",),
            roles_required=("head_of_data",),
        ),
        {
            "employees": {"employees": (260, 470), "stages": ("series_b", "series_c")},
            "tech": {"tech_required": ("BigQuery",), "tech_forbidden": ("Snowflake",)},
            "country": {"countries": ("CA", "GB")},
            "roles": {"roles_required": (), "roles_forbidden": ("head_of_data",)},
        },
    ),
    Plant(
        "us_devtools_series_b_staff",
        Spec(
            industry="devtools",
            countries=("US",),
            stages=("series_b",),
            hiring=vocab.STAFF_OPENINGS,
            roles_required=("cto",),
        ),
        {
            "stage": {"stages": ("series_a", "series_c")},
            "country": {"countries": ("CA", "GB")},
            "hiring": {"hiring": (), "not_hiring": icp.STAFF_ENGINEER},
            "roles": {"roles_required": ("vp_engineering",), "roles_forbidden": ("cto",)},
        },
    ),
    Plant(
        "de_nl_climate_founders",
        Spec(
            industry="climate",
            countries=("DE", "NL"),
            stages=("seed", "series_a"),
            roles_required=(icp.FOUNDER,),
        ),
        {
            "stage": {"stages": ("series_b",)},
            "country": {"countries": ("FR", "BE", "AT", "DK")},
            "industry": {"industry": "logistics"},
        },
    ),
    Plant(
        "eu_ai_infra_series_b_ml",
        Spec(
            industry="ai_infra",
            countries=_EU_CORE,
            stages=("series_b",),
            hiring=vocab.ML_OPENINGS,
            roles_required=("vp_engineering",),
        ),
        {
            "country": {"countries": ("GB", "CH")},
            "stage": {"stages": ("series_a", "series_c")},
            "hiring": {"hiring": (), "not_hiring": icp.ML_ENGINEER},
            "roles": {"roles_required": ("cto",), "roles_forbidden": ("vp_engineering",)},
        },
    ),
)

# Share of companies carrying each kind of noise (at least two companies each).
NOISE_SHARES: dict[str, float] = {
    "alias_domain": 0.12,
    "former_employee": 0.12,
    "obfuscated_email": 0.12,
    "no_emails": 0.1,
    "conflicting_headcount": 0.1,
    "js_team": 0.05,
    "js_careers": 0.05,
    "charset_latin1": 0.05,
    "robots_private": 0.06,
    "stale_directory": 0.08,
    "insite_redirect": 0.05,
}
# Noise kinds that never share a company (a JS page is never also a charset page).
NOISE_EXCLUSIONS: dict[str, tuple[str, ...]] = {
    "no_emails": ("obfuscated_email",),
    "js_careers": ("js_team",),
    "charset_latin1": ("js_team", "js_careers"),
}
ALIAS_KINDS: tuple[str, ...] = ("alias_redirect", "alias_mirror", "alias_thin")
REPLACEABLE_ROLES: tuple[str, ...] = (
    "cto", "vp_engineering", "head_of_growth", "cmo", "vp_sales", "head_of_data", "coo", "cfo",
)  # fmt: skip
LATIN1_LOCALES: tuple[str, ...] = ("fr_FR", "de_DE", "es_ES", "sv_SE")


def generate(seed: int, companies: int = 80, reference_date: date = REFERENCE_DATE) -> SandboxWeb:
    """Generate the sandbox web for a seed: the same seed always gives the same web."""
    rng = random.Random(seed)
    specs = plan_specs(rng, companies)
    noise = assign_noise(rng, len(specs))
    drawer = CompanyDrawer(seed, reference_date)
    drawn = [drawer.draw(index, spec, noise[index]) for index, spec in enumerate(specs)]
    return build_web(seed, reference_date, drawn)


def plan_specs(rng: random.Random, count: int) -> list[Spec]:
    """Planted ICP clusters first (as many as fit), free draws for the rest, shuffled."""
    planted: list[Spec] = []
    for plant in PLANTS:
        planted += [plant.match] * rng.randint(3, 5)
        facets = sorted(plant.misses)
        for facet in rng.sample(facets, rng.randint(2, min(4, len(facets)))):
            planted.append(replace(plant.match, near_miss=True, **plant.misses[facet]))
    specs = planted[:count] + [Spec()] * max(0, count - len(planted))
    rng.shuffle(specs)
    return specs


def assign_noise(rng: random.Random, count: int) -> list[set[str]]:
    """Pick, for each noise kind, a deterministic subset of company indexes."""
    noise: list[set[str]] = [set() for _ in range(count)]
    for kind, share in NOISE_SHARES.items():
        excluded = set(NOISE_EXCLUSIONS.get(kind, ()))
        eligible = [i for i in range(count) if not noise[i] & excluded]
        chosen = sorted(rng.sample(eligible, min(len(eligible), max(2, round(share * count)))))
        for position, index in enumerate(chosen):
            noise[index].add(kind)
            if kind == "alias_domain":
                noise[index].add(ALIAS_KINDS[position % len(ALIAS_KINDS)])
    return noise


def email_local(pattern: str, first: str, last: str) -> str:
    """The local part of an address under a company's pattern."""
    f, l = ascii_fold(first), ascii_fold(last)  # noqa: E741 - f and l mirror the pattern
    locals_ = {
        "first.last": f"{f}.{l}",
        "first": f,
        "flast": f"{f[:1]}{l}",
        "firstl": f"{f}{l[:1]}",
        "first_last": f"{f}_{l}",
        "f.last": f"{f[:1]}.{l}",
        "firstlast": f"{f}{l}",
        "last.first": f"{l}.{f}",
    }
    return locals_[pattern]


def format_money(amount_millions: float, currency: str) -> str:
    """A round amount as sites print it: '€11M', '$2.5M', '£750K', 'SEK 1.4B'."""
    if amount_millions >= 1000:
        number = f"{amount_millions / 1000:g}B"
    elif amount_millions < 1:
        number = f"{round(amount_millions * 1000)}K"
    elif amount_millions == int(amount_millions):
        number = f"{int(amount_millions)}M"
    else:
        number = f"{amount_millions:.1f}M"
    symbol = vocab.CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{currency} {number}"


def _round_amount(value: float) -> float:
    if value < 1:
        return max(0.1, round(value * 20) / 20)
    if value < 10:
        return round(value * 2) / 2
    if value < 100:
        return float(round(value))
    if value < 1000:
        return float(round(value / 5) * 5)
    return float(round(value / 100) * 100)


class CompanyDrawer:
    """Draws companies one by one, keeping names, domains and people unique across the web."""

    def __init__(self, seed: int, reference_date: date) -> None:
        self.seed = seed
        self.ref = reference_date
        self.taken_hosts: set[str] = {
            "startupwire.test",
            "dealbase.test",
            "eustartups-directory.test",
            "search.test",
        }
        self.taken_names: set[str] = set()
        self.taken_linkedin: set[str] = set()
        self.taken_handles: set[str] = set()

    def draw(self, index: int, spec: Spec, noise: set[str]) -> Company:
        """Draw company number ``index`` (0-based) under a spec and its noise kinds."""
        rng = random.Random(f"{self.seed}:company:{index}")
        noise = set(noise)
        industry = spec.industry or rng.choice(INDUSTRIES)
        country_code = (
            rng.choice(spec.countries) if spec.countries else _weighted(rng, vocab.COUNTRY_WEIGHTS)
        )
        country = vocab.COUNTRIES[country_code]
        city = rng.choice(country.cities)
        stage = rng.choice(spec.stages) if spec.stages else _weighted(rng, vocab.STAGE_WEIGHTS)
        if stage == "pre_seed":
            noise.discard("stale_directory")  # a directory cannot lag behind a first round
        name, parts, domain = self._name(rng, industry)
        slug = "".join(parts)
        founded = self.ref.year - rng.randint(*_FOUNDED_AGO[stage])
        rounds = self._rounds(rng, stage, country_code, force_history="stale_directory" in noise)
        founded = min(founded, rounds[0].announced_on.year)  # no round before the company
        employees, engineers = self._headcount(rng, spec, industry, stage)
        vocab_industry = vocab.INDUSTRY_VOCAB[industry]
        company = Company(
            id=f"c{index + 1:03d}",
            name=name,
            slug=slug,
            primary_domain=domain,
            industry=industry,
            country=country_code,
            city=city.name,
            founded_year=founded,
            rounds=rounds,
            employees=employees,
            engineers=engineers,
            tech_stack=self._stack(rng, spec, industry),
            open_roles=self._openings(rng, spec, industry, stage),
            people=[],
            email_pattern=_weighted_choice(rng, vocab.EMAIL_PATTERNS, vocab.EMAIL_PATTERN_WEIGHTS),
            tagline=_fill(rng, rng.choice(templates.TAGLINES), vocab_industry, name),
            description=_fill(rng, rng.choice(templates.DESCRIPTIONS), vocab_industry, name),
        )
        if "alias_domain" in noise:
            company.alias_domains = [self._alias(rng, parts, country_code)]
        if spec.near_miss:
            noise.add("near_miss")
        if rng.random() < 0.8:
            company.linkedin = f"https://www.linkedin.com/company/{slug}"
        if rng.random() < 0.6:
            company.phone, company.phone_e164 = _phone(rng, country, city)
        if "conflicting_headcount" in noise:
            company.previous_employees = _previous_headcount(rng, employees)
            company.previous_employees_on = self._between(
                rng, date(founded, 6, 1), self.ref - timedelta(days=330)
            )
        company.people = self._people(rng, company, spec, noise)
        company.noise = sorted(noise)
        return company

    # -- identity --------------------------------------------------------------------------

    def _name(self, rng: random.Random, industry: str) -> tuple[str, list[str], str]:
        roots = vocab.INDUSTRY_VOCAB[industry].roots
        for _ in range(200):
            form = rng.random()
            if form < 0.45:
                parts = [rng.choice(vocab.NAME_PREFIXES), rng.choice(roots)]
            elif form < 0.75:
                parts = [rng.choice(roots), rng.choice(vocab.NAME_SUFFIXES)]
            else:
                parts = [rng.choice(vocab.NAME_PREFIXES), rng.choice(vocab.NAME_SUFFIXES)]
            slug = "".join(parts)
            domain = f"{slug}.test"
            if domain in self.taken_hosts or parts[0] == parts[1]:
                continue
            self.taken_hosts.add(domain)
            # 'NovaPay' and 'Nova Pay' only read well when the second part is a word.
            wordy = parts[1] in roots or parts[1] in vocab.WORD_SUFFIXES
            style = rng.random()
            if wordy and style < 0.3:
                name = "".join(part.capitalize() for part in parts)
            elif wordy and style < 0.45:
                name = " ".join(part.capitalize() for part in parts)
            else:
                name = slug.capitalize()
            return name, parts, domain
        raise RuntimeError("ran out of company names")  # pragma: no cover

    def _alias(self, rng: random.Random, parts: list[str], country: str) -> str:
        slug = "".join(parts)
        candidates = ["-".join(parts), f"get{slug}", f"try{slug}", f"{slug}hq", f"{slug}-{country}"]
        rng.shuffle(candidates)
        for candidate in candidates:
            host = f"{candidate.lower()}.test"
            if host not in self.taken_hosts:
                self.taken_hosts.add(host)
                return host
        raise RuntimeError(f"no alias left for {slug}")  # pragma: no cover

    # -- money and size --------------------------------------------------------------------

    def _rounds(
        self, rng: random.Random, stage: str, country: str, *, force_history: bool
    ) -> list[FundingRound]:
        position = STAGES.index(stage)
        earlier = [s for s in STAGES[:position] if s != "public" and rng.random() < 0.7]
        if force_history and not earlier:
            earlier = [STAGES[position - 1]]
        currency = _currency(rng, country)
        dates = [self.ref - timedelta(days=rng.randint(25, 640))]
        for _ in earlier:
            dates.append(dates[-1] - timedelta(days=rng.randint(330, 820)))
        dates.reverse()
        rounds = []
        for round_stage, on in zip([*earlier, stage], dates, strict=True):
            usd_millions = rng.uniform(*vocab.STAGE_AMOUNTS[round_stage])
            amount = _round_amount(usd_millions / vocab.USD_RATES[currency])
            lead, *others = rng.sample(vocab.INVESTORS, rng.randint(1, 4))
            rounds.append(
                FundingRound(
                    stage=round_stage,
                    amount_text=format_money(amount, currency),
                    amount_usd=round(amount * 1_000_000 * vocab.USD_RATES[currency]),
                    currency=currency,
                    announced_on=on,
                    lead_investor=lead,
                    investors=tuple(others),
                )
            )
        return rounds

    def _headcount(
        self, rng: random.Random, spec: Spec, industry: str, stage: str
    ) -> tuple[int, int]:
        ratio = rng.uniform(*vocab.INDUSTRY_VOCAB[industry].engineer_ratio)
        if spec.engineers:
            engineers = rng.randint(*spec.engineers)
            return max(engineers + 4, round(engineers / ratio)), engineers
        employees = rng.randint(*(spec.employees or vocab.STAGE_EMPLOYEES[stage]))
        return employees, max(1, round(employees * ratio))

    def _stack(self, rng: random.Random, spec: Spec, industry: str) -> list[str]:
        pools = vocab.TECH_POOLS
        picked = rng.sample(pools["languages"], rng.randint(1, 2))
        picked += rng.sample(pools["frameworks"], rng.randint(1, 2))
        data = [t for t in pools["data"] if t not in vocab.WAREHOUSES]
        picked += rng.sample(data, rng.randint(1, 2))
        if rng.random() < 0.55:
            picked.append(rng.choice(vocab.WAREHOUSES))
        picked += rng.sample(pools["infra"], rng.randint(1, 2))
        picked += [t for t in vocab.INDUSTRY_VOCAB[industry].stack_bias if rng.random() < 0.4]
        if any(t in vocab.WAREHOUSES for t in spec.tech_required):
            picked = [t for t in picked if t not in vocab.WAREHOUSES]
        picked += spec.tech_required
        stack: list[str] = []
        for tech in picked:
            if tech not in stack and tech not in spec.tech_forbidden:
                stack.append(tech)
        return stack

    def _openings(self, rng: random.Random, spec: Spec, industry: str, stage: str) -> list[str]:
        low, high = _OPENINGS[stage]
        roles = rng.sample(vocab.OPEN_ROLE_POOL, rng.randint(low, high))
        if rng.random() < 0.1:
            roles.append(rng.choice(vocab.STAFF_OPENINGS))
        if rng.random() < (0.4 if industry == "ai_infra" else 0.08):
            roles.append(rng.choice(vocab.ML_OPENINGS))
        if spec.hiring:
            roles.insert(rng.randint(0, len(roles)), rng.choice(spec.hiring))
        if spec.not_hiring:
            roles = [r for r in roles if not re.search(spec.not_hiring, r, re.IGNORECASE)]
        return list(dict.fromkeys(roles))

    # -- people ----------------------------------------------------------------------------

    def _people(
        self, rng: random.Random, company: Company, spec: Spec, noise: set[str]
    ) -> list[Person]:
        roles = self._roles(rng, company, spec)
        young = company.stage in {"pre_seed", "seed", "series_a", "series_b"}
        founders = {"ceo"} if rng.random() < (0.9 if young else 0.6) else set()
        if icp.FOUNDER in spec.roles_required:
            founders.add("ceo")
        if "ceo" in founders and "cto" in roles and rng.random() < 0.6:
            founders.add("cto")
        if "ceo" in founders and "coo" in roles and rng.random() < 0.5:
            founders.add("coo")
        replaced = None
        if "former_employee" in noise:
            candidates = [r for r in roles if r in REPLACEABLE_ROLES and r not in founders]
            if not candidates:
                extra = next(
                    (r for r in ("vp_engineering", "vp_sales", "cmo") if r not in roles), None
                )
                if extra and extra not in spec.roles_forbidden:
                    roles.append(extra)
                    candidates = [extra]
            replaced = rng.choice(candidates) if candidates else None
            if replaced is None:
                noise.discard("former_employee")

        people: list[Person] = []
        used_locals: set[str] = set()
        latin1 = "charset_latin1" in noise
        for number, role_key in enumerate(roles, start=1):
            person = self._person(
                rng,
                company,
                f"{company.id}-p{number}",
                role_key,
                founder=role_key in founders,
                used_locals=used_locals,
                # A charset page is only a test if someone on it has an accented name.
                locale=rng.choice(LATIN1_LOCALES) if latin1 and number == 1 else None,
            )
            people.append(person)
        self._dates(rng, company, people)
        if replaced is not None:
            successor = next(p for p in people if p.role == replaced)
            former = self._person(
                rng,
                company,
                f"{company.id}-p{len(people) + 1}",
                replaced,
                founder=False,
                used_locals=used_locals,
            )
            self._retire(rng, company, former, successor)
            people.append(former)
        self._publish(rng, company, people, noise)
        return people

    def _roles(self, rng: random.Random, company: Company, spec: Spec) -> list[str]:
        size = company.employees
        wanted = (
            rng.randint(3, 4)
            if size < 15
            else rng.randint(3, 6)
            if size < 60
            else rng.randint(4, 8)
        )
        required = [r for r in spec.roles_required if r != icp.FOUNDER]
        roles = ["ceo"]
        if rng.random() < 0.9 or "cto" in required:
            roles.append("cto")
        roles += [r for r in required if r not in roles]
        leadership = [r for r in vocab.LEADERSHIP_POOL if _fits(r, size, company.industry)]
        ics = [r for r in vocab.IC_POOL if _fits(r, size, company.industry)]
        if company.industry == "biotech":
            leadership.append("cso")
            ics.append("research_scientist")
        if company.industry == "ai_infra":
            ics += ["ml_engineer", "research_scientist"]
        for pool, share in ((leadership, 0.6), (ics, 1.0)):
            rng.shuffle(pool)
            for role in pool:
                if len(roles) >= wanted or (pool is leadership and rng.random() > share):
                    continue
                if role not in roles:
                    roles.append(role)
        roles = [r for r in roles if r not in spec.roles_forbidden]
        roles.sort(key=lambda r: vocab.SENIORITY_ORDER.index(vocab.ROLES[r].seniority))
        return roles

    def _person(
        self,
        rng: random.Random,
        company: Company,
        person_id: str,
        role_key: str,
        *,
        founder: bool,
        used_locals: set[str],
        locale: str | None = None,
    ) -> Person:
        country = vocab.COUNTRIES[company.country]
        role = vocab.ROLES[role_key]
        for _ in range(100):
            chosen = locale or (
                country.locale if rng.random() < 0.75 else rng.choice(vocab.INTERNATIONAL_LOCALES)
            )
            faker = vocab.faker_for(chosen)
            faker.seed_instance(rng.getrandbits(32))
            first, last = faker.first_name(), faker.last_name()
            local = email_local(company.email_pattern, first, last)
            full = f"{first} {last}"
            if (
                full in self.taken_names
                or local in used_locals
                or local in vocab.RESERVED_MAILBOXES
                or len(local) < 2
                or len(local) > 24  # Faker's rare nobiliary names make silly addresses
                or (locale and full.isascii())
            ):
                continue
            self.taken_names.add(full)
            used_locals.add(local)
            titles = role.founder_titles if founder and role.founder_titles else role.titles
            if founder and rng.random() < 0.3:
                titles = role.titles  # the About page still names them as founders
            return Person(
                id=person_id,
                first_name=first,
                last_name=last,
                title=rng.choice(titles),
                role=role_key,
                email=f"{local}@{company.primary_domain}",
                founder=founder,
            )
        raise RuntimeError(f"no unique name left for {company.name}")  # pragma: no cover

    def _dates(self, rng: random.Random, company: Company, people: list[Person]) -> None:
        founded_on = date(company.founded_year, rng.randint(1, 9), 1)
        for person in people:
            if person.founder:
                person.joined_on = founded_on
            else:
                person.joined_on = self._between(
                    rng, founded_on + timedelta(days=60), self.ref - timedelta(days=20)
                )

    def _retire(
        self, rng: random.Random, company: Company, former: Person, successor: Person
    ) -> None:
        start = date(company.founded_year, 3, 1)
        span = max(200, (self.ref - start).days)
        former.current = False
        former.on_team_page = False
        former.joined_on = start + timedelta(days=int(span * rng.uniform(0.05, 0.25)))
        former.left_on = former.joined_on + timedelta(days=int(span * rng.uniform(0.25, 0.45)))
        successor.joined_on = former.left_on + timedelta(days=rng.randint(20, 90))

    def _publish(
        self, rng: random.Random, company: Company, people: list[Person], noise: set[str]
    ) -> None:
        current = [p for p in people if p.current]
        ics = [p for p in current if not vocab.ROLES[p.role].leadership]
        if len(ics) >= 2 and rng.random() < 0.25:
            # A leadership-only team page: the ICs appear as blog authors instead.
            for person in ics:
                person.on_team_page = False
        shown = [p for p in current if p.on_team_page]
        mode: EmailPublished = "plain"
        if "no_emails" in noise:
            mode = "none"
        elif "obfuscated_email" in noise:
            mode = "obfuscated"
        if mode != "none":
            count = (
                len(shown) if rng.random() < 0.65 else rng.randint(min(2, len(shown)), len(shown))
            )
            for person in rng.sample(shown, count):
                person.email_published = mode
        if rng.random() < 0.3:
            return  # a team page without any social links
        for person in shown:  # only what a page shows belongs in the truth
            role = vocab.ROLES[person.role]
            if rng.random() < 0.8:
                person.linkedin = self._linkedin(rng, person)
            if role.function in {"engineering", "data"} and rng.random() < 0.35:
                person.github = f"https://github.com/{self._handle(rng, person)}"
            if role.seniority == "c_level" and rng.random() < 0.3:
                person.x = f"https://x.com/{self._handle(rng, person)}"

    def _linkedin(self, rng: random.Random, person: Person) -> str:
        base = f"{ascii_fold(person.first_name)}-{ascii_fold(person.last_name)}"
        for _ in range(50):
            slug = base if rng.random() < 0.4 else f"{base}-{rng.getrandbits(24):06x}"
            if slug not in self.taken_linkedin:
                self.taken_linkedin.add(slug)
                return f"https://www.linkedin.com/in/{slug}"
        raise RuntimeError("no LinkedIn slug left")  # pragma: no cover

    def _handle(self, rng: random.Random, person: Person) -> str:
        first, last = ascii_fold(person.first_name), ascii_fold(person.last_name)
        for candidate in (f"{first}{last}", f"{first[:1]}{last}", f"{first}-{last}"):
            handle = candidate if rng.random() < 0.7 else f"{candidate}{rng.randint(1, 99)}"
            if handle not in self.taken_handles:
                self.taken_handles.add(handle)
                return handle
        raise RuntimeError("no handle left")  # pragma: no cover

    def _between(self, rng: random.Random, low: date, high: date) -> date:
        if high <= low:
            return low
        return low + timedelta(days=rng.randint(0, (high - low).days))


_FOUNDED_AGO: dict[str, tuple[int, int]] = {
    "pre_seed": (0, 2),
    "seed": (1, 4),
    "series_a": (2, 6),
    "series_b": (3, 8),
    "series_c": (4, 10),
    "series_d": (5, 12),
    "growth": (6, 15),
    "public": (8, 25),
}
_OPENINGS: dict[str, tuple[int, int]] = {
    "pre_seed": (0, 2),
    "seed": (0, 4),
    "series_a": (1, 6),
    "series_b": (3, 8),
    "series_c": (4, 9),
    "series_d": (4, 10),
    "growth": (5, 10),
    "public": (5, 10),
}


def _fits(role: str, size: int, industry: str) -> bool:
    seniority = vocab.ROLES[role].seniority
    if role in {"ml_engineer", "research_scientist", "cso"}:
        return industry in {"ai_infra", "biotech"} or (role == "ml_engineer" and size > 80)
    if seniority == "vp":
        return size >= 40
    if seniority == "director":
        return size >= 100
    if seniority == "head":
        return size >= 15
    return True


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _weighted_choice(rng: random.Random, options: tuple[str, ...], weights: tuple[int, ...]) -> str:
    return rng.choices(options, weights=weights)[0]


def _currency(rng: random.Random, country: str) -> str:
    local = vocab.COUNTRIES[country].currency
    if local == "USD":
        return "USD"
    if local == "EUR":
        return "EUR" if rng.random() < 0.85 else "USD"
    if local == "GBP":
        return "GBP" if rng.random() < 0.8 else "USD"
    return local if rng.random() < 0.4 else rng.choice(("EUR", "USD"))


def _previous_headcount(rng: random.Random, employees: int) -> int:
    previous = round(employees * rng.uniform(0.35, 0.65))
    return max(2, previous if previous != employees else employees - 1)


def _phone(rng: random.Random, country: vocab.Country, city: vocab.City) -> tuple[str, str]:
    """A landline in the city, printed nationally or internationally, and its E.164 form."""
    digits = 10 - len(city.area) if country.code == "GB" else country.subscriber_digits
    if country.code in {"US", "CA"}:
        subscriber = f"5550{rng.randint(100, 199)}"  # 555-01xx is reserved for fiction
    elif country.code == "GB" and city.area == "20":
        subscriber = f"79460{rng.randint(100, 999)}"  # Ofcom's drama range
    else:
        subscriber = str(rng.randint(2, 9)) + "".join(
            str(rng.randint(0, 9)) for _ in range(digits - 1)
        )
    e164 = f"+{country.dial}{city.area}{subscriber}"
    if country.code in {"US", "CA"}:
        national = f"({city.area}) {subscriber[:3]}-{subscriber[3:]}"
        international = f"+1 {city.area}-{subscriber[:3]}-{subscriber[3:]}"
    elif country.code == "DK":  # no area codes: eight digits in pairs
        national = " ".join(_groups(city.area + subscriber, (2, 2, 2, 2)))
        international = f"+45 {national}"
    else:
        sizes = _PHONE_GROUPS.get(country.code) or ((4, 4) if len(subscriber) == 8 else (3, 4))
        grouped = " ".join(_groups(subscriber, sizes))
        national = f"{country.trunk}{city.area} {grouped}"
        international = f"+{country.dial} {city.area} {grouped}"
    return (national if rng.random() < 0.5 else international), e164


_PHONE_GROUPS: dict[str, tuple[int, ...]] = {
    "FR": (2, 2, 2, 2),
    "ES": (3, 2, 2),
    "SE": (3, 2, 2),
    "CH": (3, 2, 2),
    "BE": (3, 2, 2),
    "DK": (2, 2, 3),
    "IT": (4, 4),
    "DE": (7,),
    "FI": (4, 3),
}


def _groups(digits: str, sizes: tuple[int, ...]) -> list[str]:
    out, start = [], 0
    for size in sizes:
        if start < len(digits):
            out.append(digits[start : start + size])
            start += size
    if start < len(digits):
        out[-1] += digits[start:]
    return out


def _fill(rng: random.Random, template: str, industry: vocab.Industry, name: str) -> str:
    offering = rng.choice(industry.offerings)
    return template.format(
        name=name,
        offering=offering,
        offering_cap=offering[:1].upper() + offering[1:],
        customers=rng.choice(industry.customers),
        product=rng.choice(industry.products),
        industry=industry.label,
    )
