"""Vocabulary the generator draws from: places, industries, roles, stacks, investors."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from faker import Faker


@cache
def faker_for(locale: str) -> Faker:
    """A shared Faker for a locale; callers reseed it before every draw."""
    # Building a Faker is the slow part; reseeding an existing one is cheap.
    return Faker(locale)


@dataclass(frozen=True)
class City:
    """A city and the trunk prefix of its landline numbers."""

    name: str
    area: str


@dataclass(frozen=True)
class Country:
    """A country: display names, Faker locale, currency and phone conventions."""

    code: str
    name: str
    short: str
    locale: str
    currency: str
    dial: str
    cities: tuple[City, ...]
    subscriber_digits: int  # digits after the area code
    trunk: str = "0"  # the national prefix, "" where there is none


COUNTRIES: dict[str, Country] = {
    c.code: c
    for c in (
        Country("FR", "France", "France", "fr_FR", "EUR", "33",
                (City("Paris", "1"), City("Lyon", "4"), City("Nantes", "2"),
                 City("Bordeaux", "5"), City("Toulouse", "5"), City("Lille", "3"),
                 City("Marseille", "4"), City("Montpellier", "4")), 8),
        Country("DE", "Germany", "Germany", "de_DE", "EUR", "49",
                (City("Berlin", "30"), City("Munich", "89"), City("Hamburg", "40"),
                 City("Cologne", "221"), City("Frankfurt", "69"), City("Stuttgart", "711")), 7),
        Country("ES", "Spain", "Spain", "es_ES", "EUR", "34",
                (City("Madrid", "91"), City("Barcelona", "93"), City("Valencia", "96"),
                 City("Málaga", "95"), City("Bilbao", "94")), 7, trunk=""),
        Country("GB", "United Kingdom", "UK", "en_GB", "GBP", "44",
                (City("London", "20"), City("Manchester", "161"), City("Edinburgh", "131"),
                 City("Bristol", "117"), City("Cambridge", "1223"), City("Leeds", "113")), 7),
        Country("NL", "the Netherlands", "NL", "nl_NL", "EUR", "31",
                (City("Amsterdam", "20"), City("Rotterdam", "10"), City("Utrecht", "30"),
                 City("Eindhoven", "40"), City("The Hague", "70")), 7),
        Country("US", "United States", "USA", "en_US", "USD", "1",
                (City("San Francisco", "415"), City("New York", "212"), City("Boston", "617"),
                 City("Austin", "512"), City("Seattle", "206"), City("Denver", "303"),
                 City("Chicago", "312"), City("Atlanta", "404")), 7, trunk=""),
        Country("SE", "Sweden", "Sweden", "sv_SE", "SEK", "46",
                (City("Stockholm", "8"), City("Gothenburg", "31"), City("Malmö", "40"),
                 City("Uppsala", "18")), 7),
        Country("IT", "Italy", "Italy", "it_IT", "EUR", "39",
                (City("Milan", "02"), City("Rome", "06"), City("Turin", "011"),
                 City("Bologna", "051")), 7, trunk=""),
        Country("IE", "Ireland", "Ireland", "en_IE", "EUR", "353",
                (City("Dublin", "1"), City("Cork", "21"), City("Galway", "91")), 7),
        Country("PT", "Portugal", "Portugal", "pt_PT", "EUR", "351",
                (City("Lisbon", "21"), City("Porto", "22")), 7, trunk=""),
        Country("CH", "Switzerland", "Switzerland", "de_CH", "CHF", "41",
                (City("Zurich", "44"), City("Geneva", "22"), City("Lausanne", "21")), 7),
        Country("DK", "Denmark", "Denmark", "da_DK", "DKK", "45",
                (City("Copenhagen", "3"), City("Aarhus", "8")), 7, trunk=""),
        Country("FI", "Finland", "Finland", "fi_FI", "EUR", "358",
                (City("Helsinki", "9"), City("Espoo", "9"), City("Tampere", "3")), 7),
        Country("BE", "Belgium", "Belgium", "nl_BE", "EUR", "32",
                (City("Brussels", "2"), City("Ghent", "9"), City("Antwerp", "3")), 7),
        Country("CA", "Canada", "Canada", "en_CA", "CAD", "1",
                (City("Toronto", "416"), City("Montreal", "514"), City("Vancouver", "604")), 7,
                trunk=""),
        Country("AT", "Austria", "Austria", "de_AT", "EUR", "43",
                (City("Vienna", "1"), City("Graz", "316")), 7),
    )
}  # fmt: skip

# How often a random (unplanted) company is headquartered in each country.
COUNTRY_WEIGHTS: dict[str, int] = {
    "US": 22, "GB": 11, "FR": 11, "DE": 11, "NL": 6, "ES": 6, "SE": 5, "IT": 4,
    "IE": 3, "PT": 2, "CH": 3, "DK": 2, "FI": 2, "BE": 2, "CA": 3, "AT": 2,
}  # fmt: skip

# Names of a company's staff come mostly from its country, the rest from these.
INTERNATIONAL_LOCALES: tuple[str, ...] = (
    "en_US", "en_GB", "fr_FR", "de_DE", "es_ES", "it_IT", "en_IN", "pl_PL", "pt_BR", "nl_NL",
)  # fmt: skip

# Conversion to USD for funding_amount_usd; fixed so the truth never depends on a clock.
USD_RATES: dict[str, float] = {
    "USD": 1.0, "EUR": 1.08, "GBP": 1.27, "CHF": 1.12, "SEK": 0.095, "DKK": 0.145, "CAD": 0.73,
}  # fmt: skip
CURRENCY_SYMBOLS: dict[str, str] = {"USD": "$", "EUR": "€", "GBP": "£"}


@dataclass(frozen=True)
class Industry:
    """An industry: labels, name roots and the words its sites are written with."""

    slug: str
    label: str
    roots: tuple[str, ...]
    offerings: tuple[str, ...]
    customers: tuple[str, ...]
    products: tuple[str, ...]
    engineer_ratio: tuple[float, float]
    stack_bias: tuple[str, ...] = ()


INDUSTRY_VOCAB: dict[str, Industry] = {
    i.slug: i
    for i in (
        Industry("fintech", "fintech", ("pay", "ledger", "fin", "coin", "vault", "cash", "fund",
                 "mint", "till", "bank"),
                 ("spend management", "cross-border payments", "embedded banking",
                  "automated bookkeeping", "treasury management", "invoice financing"),
                 ("SMEs", "finance teams", "marketplaces", "freelancers", "CFOs"),
                 ("corporate cards", "a payments API", "a treasury dashboard", "smart invoices"),
                 (0.3, 0.45), ("PostgreSQL", "Kotlin", "Java", "Kafka")),
        Industry("healthtech", "healthtech", ("care", "med", "vita", "pulse", "heal", "clinic",
                 "dose", "cura", "well"),
                 ("remote patient monitoring", "clinical workflow software", "telehealth",
                  "care coordination", "medical imaging triage"),
                 ("clinics", "hospitals", "care teams", "payers", "patients"),
                 ("a patient app", "a care platform", "an EHR integration layer"),
                 (0.2, 0.35), ("Snowflake", "Python", "AWS")),
        Industry("edtech", "edtech", ("learn", "class", "tutor", "skill", "campus", "quiz",
                 "mentor", "school"),
                 ("online tutoring", "skills assessment", "course authoring",
                  "learning analytics"),
                 ("schools", "universities", "corporate L&D teams", "students"),
                 ("a learning app", "an authoring studio", "a tutoring marketplace"),
                 (0.25, 0.4)),
        Industry("insurtech", "insurtech", ("cover", "shield", "assure", "policy", "claim",
                 "safe", "guard"),
                 ("embedded insurance", "claims automation", "usage-based car insurance",
                  "pet insurance"),
                 ("brokers", "insurers", "drivers", "pet owners"),
                 ("an underwriting engine", "a claims bot", "a policy API"),
                 (0.25, 0.4)),
        Industry("devtools", "developer tools", ("code", "stack", "git", "deploy", "build",
                 "lint", "shell", "forge", "commit", "patch"),
                 ("CI/CD pipelines", "code review automation", "observability",
                  "preview environments", "feature flags"),
                 ("developers", "platform teams", "engineering leaders", "open-source maintainers"),
                 ("a CLI", "a build cache", "a tracing SDK", "a merge queue"),
                 (0.45, 0.65), ("Go", "Rust", "TypeScript", "Kubernetes")),
        Industry("ai_infra", "AI infrastructure", ("tensor", "vector", "neural", "infer", "model",
                 "grad", "token", "embed", "cortex"),
                 ("GPU inference", "model serving", "vector search", "LLM evaluation",
                  "training orchestration"),
                 ("ML teams", "AI labs", "data scientists", "platform teams"),
                 ("an inference engine", "a vector database", "an eval harness"),
                 (0.5, 0.7), ("PyTorch", "CUDA", "Rust", "Ray", "Kubernetes")),
        Industry("cybersecurity", "cybersecurity", ("guard", "sentinel", "secure", "cipher",
                 "trust", "lock", "sec", "aegis"),
                 ("cloud security posture management", "identity threat detection",
                  "email security", "secrets scanning"),
                 ("CISOs", "security teams", "MSSPs", "DevSecOps teams"),
                 ("an XDR platform", "a secrets scanner", "a zero-trust gateway"),
                 (0.35, 0.55), ("Go", "Rust", "Elasticsearch")),
        Industry("saas", "B2B SaaS", ("flow", "desk", "sync", "hub", "board", "task", "work",
                 "loop", "note"),
                 ("workflow automation", "customer support", "project planning",
                  "document collaboration"),
                 ("operations teams", "support teams", "agencies", "product teams"),
                 ("a shared inbox", "a planning board", "a no-code builder"),
                 (0.3, 0.45)),
        Industry("ecommerce", "e-commerce", ("cart", "shop", "basket", "order", "store",
                 "checkout", "parcel"),
                 ("headless commerce", "returns management", "social commerce",
                  "quick commerce"),
                 ("D2C brands", "retailers", "shoppers", "marketplaces"),
                 ("a checkout SDK", "a returns portal", "a storefront builder"),
                 (0.15, 0.3), ("Shopify", "Next.js", "PostgreSQL")),
        Industry("climate", "climate tech", ("carbon", "grid", "solar", "volt", "terra", "green",
                 "wind", "leaf", "heat"),
                 ("carbon accounting", "grid flexibility", "heat pump installation",
                  "battery analytics", "renewable energy trading"),
                 ("utilities", "manufacturers", "homeowners", "sustainability teams"),
                 ("a carbon ledger", "a grid optimisation engine", "an installer app"),
                 (0.25, 0.45), ("Python", "TimescaleDB", "GCP")),
        Industry("logistics", "logistics", ("freight", "fleet", "route", "cargo", "dock", "ship",
                 "haul", "lane"),
                 ("freight forwarding", "last-mile delivery", "fleet telematics",
                  "warehouse robotics"),
                 ("shippers", "carriers", "3PLs", "retailers"),
                 ("a shipment tracker", "a route planner", "a TMS"),
                 (0.2, 0.35)),
        Industry("hrtech", "HR tech", ("hire", "talent", "crew", "payroll", "staff", "team",
                 "people"),
                 ("payroll", "applicant tracking", "employee engagement", "global hiring"),
                 ("HR teams", "recruiters", "startups", "remote teams"),
                 ("a payroll engine", "an ATS", "an engagement survey tool"),
                 (0.25, 0.4)),
        Industry("martech", "martech", ("reach", "funnel", "brand", "click", "lead", "campaign",
                 "signal", "buzz"),
                 ("marketing attribution", "influencer marketing", "email automation",
                  "customer data platforms"),
                 ("marketers", "growth teams", "agencies", "e-commerce brands"),
                 ("an attribution dashboard", "a CDP", "a campaign builder"),
                 (0.25, 0.4), ("Segment", "BigQuery", "dbt")),
        Industry("biotech", "biotech", ("gen", "bio", "cell", "protein", "enzyme", "helix",
                 "omics", "cyte"),
                 ("protein design", "cell therapy manufacturing", "computational drug discovery",
                  "synthetic biology"),
                 ("pharma companies", "research labs", "CDMOs"),
                 ("a protein design platform", "a lab automation suite", "an assay pipeline"),
                 (0.15, 0.3), ("Python", "AWS", "Nextflow")),
    )
}  # fmt: skip

NAME_PREFIXES: tuple[str, ...] = (
    "acme", "nova", "blue", "north", "bright", "kite", "orbit", "luma", "zen", "peak", "true",
    "swift", "clear", "open", "deep", "silver", "iron", "echo", "atlas", "vela", "nimbus",
    "quill", "pixel", "sprout", "hyper", "astro", "alto", "lumen", "tidal", "ember", "cobalt",
    "fable", "halo", "juno", "mosaic", "onyx", "prism", "quanta", "rally", "sonar",
)  # fmt: skip
NAME_SUFFIXES: tuple[str, ...] = (
    "ly", "io", "ify", "hub", "base", "wise", "labs", "stack", "loop", "works", "ai", "hq",
)  # fmt: skip

# Suffixes that read as words, so 'NovaHub' or 'Nova Hub' look like real brands.
WORD_SUFFIXES: frozenset[str] = frozenset({"hub", "base", "labs", "stack", "loop", "works"})

STAGE_LABELS: dict[str, str] = {
    "pre_seed": "pre-seed round",
    "seed": "seed round",
    "series_a": "Series A",
    "series_b": "Series B",
    "series_c": "Series C",
    "series_d": "Series D",
    "growth": "growth round",
    "public": "IPO",
}
# Amount ranges in millions (of the company's currency) per stage.
STAGE_AMOUNTS: dict[str, tuple[float, float]] = {
    "pre_seed": (0.3, 1.5),
    "seed": (1.5, 6.0),
    "series_a": (8.0, 25.0),
    "series_b": (25.0, 70.0),
    "series_c": (60.0, 150.0),
    "series_d": (120.0, 300.0),
    "growth": (150.0, 500.0),
    "public": (200.0, 900.0),
}
STAGE_EMPLOYEES: dict[str, tuple[int, int]] = {
    "pre_seed": (3, 9),
    "seed": (6, 28),
    "series_a": (18, 85),
    "series_b": (60, 260),
    "series_c": (150, 650),
    "series_d": (300, 1400),
    "growth": (500, 3000),
    "public": (900, 9000),
}
STAGE_WEIGHTS: dict[str, int] = {
    "pre_seed": 5,
    "seed": 18,
    "series_a": 22,
    "series_b": 18,
    "series_c": 12,
    "series_d": 7,
    "growth": 6,
    "public": 4,
}

INVESTORS: tuple[str, ...] = tuple(
    f"{a} {b}"
    for a, b in zip(
        (
            "Northwind", "Blue Harbor", "Granite", "Kestrel", "Lakeside", "Meridian", "Oakline",
            "Polaris", "Redwood Bay", "Saltmarsh", "Tideline", "Westbrook", "Foundry Row",
            "Hawthorn", "Ironbridge", "Juniper", "Larchmont", "Sable", "Halcyon", "Brightline",
            "Cinder", "Driftwood", "Evergreen Row", "Fieldstone",
        ),
        (
            "Ventures", "Capital", "Partners", "Ventures", "Capital", "Partners", "VC",
            "Ventures", "Capital", "Partners", "Ventures", "Growth", "Ventures", "Capital",
            "Partners", "Ventures", "Capital", "Fund", "Ventures", "Capital", "Partners",
            "Ventures", "Capital", "Partners",
        ),
        strict=True,
    )
)  # fmt: skip

TECH_POOLS: dict[str, tuple[str, ...]] = {
    "languages": ("Python", "Go", "TypeScript", "Java", "Kotlin", "Scala", "Rust", "Ruby",
                  "Elixir", "PHP", "C#"),
    "frameworks": ("Django", "FastAPI", "React", "Next.js", "Vue.js", "Ruby on Rails",
                   "Spring Boot", "Node.js"),
    "data": ("Snowflake", "BigQuery", "Redshift", "Databricks", "dbt", "Airflow", "Kafka",
             "PostgreSQL", "ClickHouse", "Elasticsearch"),
    "infra": ("AWS", "GCP", "Azure", "Kubernetes", "Terraform", "Docker"),
}  # fmt: skip
WAREHOUSES: tuple[str, ...] = ("Snowflake", "BigQuery", "Redshift", "Databricks")


@dataclass(frozen=True)
class Role:
    """A position: its function, seniority and the ways a site prints its title."""

    key: str
    function: str
    seniority: str
    titles: tuple[str, ...]
    area: str  # for prose: "<name> leads <area> as our <title>"
    founder_titles: tuple[str, ...] = ()

    @property
    def leadership(self) -> bool:
        """Whether the role is C-level, VP or head of a function."""
        return self.seniority in {"c_level", "vp", "head", "director"}


SENIORITY_ORDER: tuple[str, ...] = ("c_level", "vp", "head", "director", "lead", "manager", "ic")

ROLES: dict[str, Role] = {
    r.key: r
    for r in (
        Role("ceo", "executive", "c_level", ("CEO", "Chief Executive Officer"), "the company",
             ("Co-founder & CEO", "Founder and CEO", "CEO & Co-Founder", "Co-founder, CEO")),
        Role("cto", "engineering", "c_level", ("CTO", "Chief Technology Officer"), "technology",
             ("Co-founder & CTO", "Co-Founder and CTO", "CTO & Co-founder",
              "Co-founder, Chief Technology Officer")),
        Role("coo", "operations", "c_level", ("COO", "Chief Operating Officer"), "operations",
             ("Co-founder & COO", "Co-Founder, COO")),
        Role("cfo", "finance", "c_level", ("CFO", "Chief Financial Officer"), "finance"),
        Role("cpo", "product", "c_level", ("CPO", "Chief Product Officer"), "product",
             ("Co-founder & CPO",)),
        Role("cmo", "marketing", "c_level", ("CMO", "Chief Marketing Officer"), "marketing"),
        Role("cso", "science", "c_level", ("CSO", "Chief Scientific Officer"), "research",
             ("Co-founder & Chief Scientific Officer",)),
        Role("vp_engineering", "engineering", "vp",
             ("VP Engineering", "Vice President of Engineering", "VP, Engineering", "VP of Eng",
              "VP of Engineering", "Vice President, Engineering"), "engineering"),
        Role("vp_sales", "sales", "vp", ("VP Sales", "VP of Sales", "Vice President of Sales"),
             "sales"),
        Role("vp_product", "product", "vp", ("VP Product", "VP of Product"), "product"),
        Role("vp_marketing", "marketing", "vp", ("VP Marketing", "VP of Marketing"), "marketing"),
        Role("head_of_growth", "growth", "head", ("Head of Growth", "Growth Lead", "Head, Growth"),
             "growth"),
        Role("head_of_data", "data", "head",
             ("Head of Data", "Head of Data & Analytics", "Head of Data and Analytics"), "data"),
        Role("head_of_people", "people", "head",
             ("Head of People", "Head of People & Culture", "People Lead"), "people"),
        Role("head_of_marketing", "marketing", "head", ("Head of Marketing", "Marketing Lead"),
             "marketing"),
        Role("head_of_product", "product", "head", ("Head of Product",), "product"),
        Role("head_of_sales", "sales", "head", ("Head of Sales", "Sales Lead"), "sales"),
        Role("director_engineering", "engineering", "director",
             ("Director of Engineering", "Engineering Director"), "engineering"),
        Role("director_sales", "sales", "director", ("Sales Director", "Director of Sales"),
             "sales"),
        Role("tech_lead", "engineering", "lead", ("Tech Lead", "Lead Engineer"),
             "an engineering team"),
        Role("design_lead", "design", "lead", ("Design Lead", "Lead Product Designer"),
             "design"),
        Role("engineering_manager", "engineering", "manager", ("Engineering Manager",),
             "an engineering team"),
        Role("product_manager", "product", "ic", ("Product Manager", "Senior Product Manager"),
             "a product area"),
        Role("staff_engineer", "engineering", "ic", ("Staff Engineer", "Staff Software Engineer"),
             "platform work"),
        Role("senior_engineer", "engineering", "ic",
             ("Senior Software Engineer", "Senior Backend Engineer", "Senior Frontend Engineer"),
             "core product work"),
        Role("ml_engineer", "engineering", "ic", ("Machine Learning Engineer", "ML Engineer"),
             "model work"),
        Role("data_scientist", "data", "ic", ("Data Scientist", "Senior Data Scientist"),
             "analytics"),
        Role("data_engineer", "data", "ic", ("Data Engineer", "Senior Data Engineer"),
             "data pipelines"),
        Role("research_scientist", "science", "ic",
             ("Research Scientist", "Senior Research Scientist"), "research"),
        Role("product_designer", "design", "ic", ("Product Designer", "Senior Product Designer"),
             "design"),
        Role("account_executive", "sales", "ic", ("Account Executive", "Senior Account Executive"),
             "new business"),
        Role("marketing_manager", "marketing", "ic",
             ("Marketing Manager", "Content Marketing Manager"), "content"),
        Role("talent_partner", "people", "ic", ("Talent Partner", "Technical Recruiter"),
             "hiring"),
        Role("customer_success", "customer_success", "ic", ("Customer Success Manager",),
             "customer success"),
    )
}  # fmt: skip

LEADERSHIP_POOL: tuple[str, ...] = (
    "coo", "cfo", "cpo", "cmo", "vp_engineering", "vp_sales", "vp_product", "vp_marketing",
    "head_of_growth", "head_of_data", "head_of_people", "head_of_marketing", "head_of_product",
    "head_of_sales", "director_engineering", "director_sales", "tech_lead", "design_lead",
    "engineering_manager",
)  # fmt: skip
IC_POOL: tuple[str, ...] = (
    "product_manager", "staff_engineer", "senior_engineer", "ml_engineer", "data_scientist",
    "data_engineer", "product_designer", "account_executive", "marketing_manager",
    "talent_partner", "customer_success",
)  # fmt: skip

OPEN_ROLE_POOL: tuple[str, ...] = (
    "Senior Backend Engineer", "Senior Frontend Engineer", "Full-Stack Engineer",
    "Platform Engineer", "Site Reliability Engineer", "Security Engineer", "Data Engineer",
    "Analytics Engineer", "Data Scientist", "Product Designer", "Product Manager",
    "Engineering Manager", "Account Executive", "Sales Development Representative",
    "Customer Success Manager", "Growth Marketing Manager", "Content Marketer",
    "Finance Manager", "Talent Partner", "Mobile Engineer (iOS)", "Mobile Engineer (Android)",
    "DevOps Engineer", "Solutions Engineer",
)  # fmt: skip
STAFF_OPENINGS: tuple[str, ...] = (
    "Staff Software Engineer", "Staff Engineer, Platform", "Staff Backend Engineer",
    "Staff Engineer, Developer Experience",
)  # fmt: skip
ML_OPENINGS: tuple[str, ...] = (
    "Machine Learning Engineer", "Senior ML Engineer", "ML Engineer, Inference",
    "Machine Learning Engineer, Training Infrastructure",
)  # fmt: skip

# Local parts a person's address must never take: they are the company's shared mailboxes.
RESERVED_MAILBOXES: frozenset[str] = frozenset(
    {"hello", "contact", "press", "jobs", "careers", "info", "team", "investors", "support"}
)
EMAIL_PATTERNS: tuple[str, ...] = (
    "first.last", "first", "flast", "firstl", "first_last", "f.last", "firstlast", "last.first",
)  # fmt: skip
EMAIL_PATTERN_WEIGHTS: tuple[int, ...] = (30, 18, 16, 6, 6, 10, 8, 6)

# Transliterations NFKD cannot do on its own, for email local parts and slugs.
ASCII_FOLD: dict[int, str] = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "ß": "ss", "đ": "d",
     "œ": "oe", "Œ": "Oe", "ı": "i"}
)  # fmt: skip
