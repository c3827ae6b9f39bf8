#!/usr/bin/env python3
"""Entity-resolution benchmark: speed at 1k / 10k / 100k records, and merge quality.

Generates N candidate records of which about 20% are injected duplicates (a company on an
alias domain, a company name spelled differently, the same person found twice, with and
without an address or under a nickname), plus a few same-named companies elsewhere that
must stay apart. Times ``research.entity.resolve_entities`` and scores its merges pairwise
against the injected truth.

    bench/dedupe                      # N = 1,000, 10,000, 100,000
    bench/dedupe --sizes 1000 10000 --seed 3
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from research.entity import Resolution, resolve_entities
from research.model import Candidate, CompanyFacts, PersonFacts, Source, SourceKind

SYLLABLES = (
    "ka", "lo", "mi", "ra", "ve", "to", "no", "sa", "ri", "po", "zu", "be", "fi", "go", "la",
    "mo", "ne", "qu", "di", "ta", "vo", "xe", "yu", "ce", "du", "he", "ji", "ku", "ly", "my",
)  # fmt: skip
WORDS = ("Labs", "Pay", "Health", "Cloud", "Works", "Data", "Forge", "Stack", "Grid", "Flow")
FIRST_NAMES = (
    "Anna", "Robert", "William", "Elizabeth", "James", "Maria", "Lukas", "Sofia", "Noah",
    "Emma", "Michael", "Olivia", "Daniel", "Chloe", "Thomas", "Lea", "Samuel", "Nina", "Omar",
    "Priya", "Katherine", "Matteo", "Ingrid", "Pierre", "Yuki", "Carlos", "Fatima", "Jonas",
)  # fmt: skip
NICKNAMES = {"Robert": "Bob", "William": "Bill", "Elizabeth": "Liz", "James": "Jim",
             "Michael": "Mike", "Daniel": "Dan", "Thomas": "Tom", "Samuel": "Sam",
             "Katherine": "Kate"}  # fmt: skip
SURNAMES = tuple(
    a + b
    for a in ("Ber", "Cas", "Dun", "Fal", "Hol", "Kir", "Lind", "Mor", "Pel", "Ros", "Sten")
    for b in ("ger", "ton", "sen", "ley", "man", "ardi", "ova", "berg", "wick", "eau")
)
COUNTRIES = ("FR", "DE", "US", "GB", "NL", "ES", "SE", "IT")
TITLES = ("CEO", "CTO", "VP Engineering", "Head of Growth", "CFO", "Head of Data")
NOW = datetime(2026, 11, 1, tzinfo=UTC)


@dataclass
class Corpus:
    """Records and, for each, the identity of the entity it describes."""

    records: list[Candidate]
    truth: list[str]
    aliases: list[tuple[str, str]]


def _source(url: str, fields: list[str], days: int = 0) -> Source:
    return Source(
        kind=SourceKind.WEB, url=url, retrieved_at=NOW - timedelta(days=days), fields=fields
    )


def _unique_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
        name = word if rng.random() < 0.6 else f"{word} {rng.choice(WORDS)}"
        if name.lower().replace(" ", "") not in taken:
            taken.add(name.lower().replace(" ", ""))
            return name


def _company(name: str, domain: str | None, country: str, url: str, days: int = 0) -> Candidate:
    fields = ["company.name", "company.domain", "fields.hq_country"]
    return Candidate(
        key=f"co:{domain or name}:{url}",
        company=CompanyFacts(name=name, domain=domain),
        fields={"hq_country": country, "employee_count": 40},
        sources=[_source(url, fields, days)],
    )


def _person(
    company: Candidate, full_name: str, title: str, email: str | None, url: str
) -> Candidate:
    fields = ["person.full_name", "person.title"] + (["person.email"] if email else [])
    return Candidate(
        key=f"pe:{company.company.domain}:{full_name}:{url}",
        company=company.company.model_copy(),
        person=PersonFacts(full_name=full_name, title=title, email=email),
        fields={"hq_country": company.fields["hq_country"]},
        sources=[_source(url, fields)],
    )


def _typo(name: str, rng: random.Random) -> str:
    position = rng.randrange(2, len(name) - 1)
    return name[:position] + name[position + 1 :]  # one letter dropped


def generate(n: int, seed: int = 0, duplicate_share: float = 0.2) -> Corpus:
    """About ``n`` records, ``duplicate_share`` of them injected duplicates."""
    rng = random.Random(seed)
    taken: set[str] = set()
    corpus = Corpus([], [], [])
    companies: list[tuple[Candidate, str]] = []
    people: list[tuple[Candidate, str, str, str]] = []  # record, entity id, first, last
    while len(corpus.records) < n:
        if companies and rng.random() < duplicate_share:
            _duplicate(rng, corpus, companies, people)
            continue
        name = _unique_name(rng, taken)
        domain = name.lower().replace(" ", "") + ".com"
        country = rng.choice(COUNTRIES)
        company = _company(name, domain, country, f"https://{domain}/about")
        entity = f"c{len(companies)}"
        corpus.records.append(company)
        corpus.truth.append(entity)
        companies.append((company, entity))
        for number in range(rng.randint(0, 2)):
            first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
            email = f"{first.lower()}.{last.lower()}@{domain}" if rng.random() < 0.5 else None
            person = _person(
                company, f"{first} {last}", TITLES[number], email, f"https://{domain}/team"
            )
            corpus.records.append(person)
            corpus.truth.append(f"{entity}/p{number}")
            people.append((person, f"{entity}/p{number}", first, last))
        if rng.random() < 0.01:  # a same-named company elsewhere: must stay apart
            other = rng.choice([c for c in COUNTRIES if c != country])
            twin = _company(
                name,
                f"{domain.removesuffix('.com')}-{other.lower()}.com",
                other,
                f"https://{domain.removesuffix('.com')}-{other.lower()}.com/",
            )
            corpus.records.append(twin)
            corpus.truth.append(f"{entity}-twin")
    return corpus


def _duplicate(
    rng: random.Random,
    corpus: Corpus,
    companies: list[tuple[Candidate, str]],
    people: list[tuple[Candidate, str, str, str]],
) -> None:
    kind = rng.random()
    if kind < 0.45 or not people:
        original, entity = rng.choice(companies)
        name, domain = original.company.name or "", original.company.domain or ""
        country = str(original.fields["hq_country"])
        if kind < 0.25:  # an alias domain, with evidence of it half the time
            alias = f"get{domain}"
            variant = rng.choice((name, f"{name} Inc.", name.replace(" ", ""), name.upper()))
            copy = _company(variant, alias, country, f"https://{alias}/", days=30)
            if rng.random() < 0.5:
                corpus.aliases.append((alias, domain))
        else:  # a directory or news mention with a misspelled name and no domain
            variant = _typo(name, rng) if len(name.replace(" ", "")) >= 7 else name
            copy = _company(variant, None, country, f"https://directory.example/org/{rng.random()}")
        corpus.records.append(copy)
        corpus.truth.append(entity)
        return
    original, entity, first, last = rng.choice(people)
    shown = NICKNAMES.get(first, first) if rng.random() < 0.3 else first
    email = original.person.email if original.person and rng.random() < 0.5 else None
    title = original.person.title if original.person else None
    copy = _person(
        original, f"{shown} {last}", title or "CEO", email, f"https://news.example/{rng.random()}"
    )
    corpus.records.append(copy)
    corpus.truth.append(entity)


def pairwise(resolution: Resolution, truth: list[str]) -> tuple[float, float]:
    """Precision and recall of the merged pairs against the injected truth."""
    clusters = resolution.company_members + resolution.person_members
    predicted = sum(math.comb(len(c), 2) for c in clusters)
    correct = sum(
        math.comb(count, 2) for c in clusters for count in Counter(truth[i] for i in c).values()
    )
    merged_ids = Counter(truth)
    actual = sum(math.comb(count, 2) for count in merged_ids.values())
    return (correct / predicted if predicted else 1.0), (correct / actual if actual else 1.0)


def run(sizes: list[int], seed: int) -> None:
    """Print timing, scaling and pairwise quality per size."""
    base: tuple[int, float] | None = None
    columns = ("N", "seconds", "x vs 1k", "linear", "exponent", "precision", "recall")
    widths = (8, 9, 8, 7, 8, 9, 7)
    print(" ".join(f"{name:>{width}}" for name, width in zip(columns, widths, strict=True)))
    for n in sizes:
        corpus = generate(n, seed)
        started = time.perf_counter()
        resolution = resolve_entities(corpus.records, aliases=corpus.aliases)
        seconds = time.perf_counter() - started
        precision, recall = pairwise(resolution, corpus.truth)
        if base is None:
            base = (n, seconds)
        ratio = seconds / base[1]
        linear = n / base[0]
        exponent = math.log(ratio) / math.log(linear) if linear > 1 else float("nan")
        print(
            f"{n:>8,} {seconds:>9.3f} {ratio:>8.1f} {linear:>7.0f} {exponent:>8.2f} "
            f"{precision:>9.4f} {recall:>7.4f}"
        )


def main() -> None:
    """Parse arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    run(args.sizes, args.seed)


if __name__ == "__main__":
    main()
