#!/usr/bin/env python3
"""Import real public pages from the webstruct corpus into ``tests/corpus/pages``.

webstruct (https://github.com/scrapinghub/webstruct, MIT licence) keeps, for each page of its
``webstruct_data/corpus/<sub-corpus>/``, the page as saved (``source/<n>.html``) and an
annotated twin (``wa/<n>.html``) whose WebAnnotator spans mark person names (PER), job titles
(FUNC), organizations (ORG), emails (EMAIL) and more. This script reads a local git copy of the
repository, leaves out every page named in a reserved list (with its twins: the same number in
the same sub-corpus), and writes each remaining page as served plus a draft key derived from
the annotations:

- ``company``: the organization the page is about, when one ORG text is clearly it (it names
  the page's site or title and is the most annotated organization); otherwise null.
- ``people``: every PER, with the FUNC beside it in the same block, and the EMAIL beside it
  when the address reads as that person's own.
- ``review``: what a reader should check by hand (people without titles, unclear company,
  titles or emails taken from a neighbour). The key is a draft until these are resolved.

    .venv/bin/python -m bench.extract.import_webstruct --repo /path/to/webstruct.git \\
        --reserved reserved-pages.txt [--out tests/corpus/pages] [--max 150]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html

from bench.extract.corpus import CORPUS, company_key, fold_text
from research.extract.lexicon import words_in

ROOT = "webstruct_data/corpus"
# Sub-corpora, their pages' language, and whether their annotations mark people and
# organizations (the Dutch pages' annotations mark opening hours only: those keys are by hand).
SUB_CORPORA = (
    ("business_pages", "en", True),
    ("us_contact_pages", "en", True),
    ("nl", "nl", False),
)
MAX_BYTES = 300_000
# Pages read and left out on review (their numbers stay taken so later ids do not move): a
# directory's entry about another organization, whose page it is being unclear.
LEFT_OUT = {("us_contact_pages", 31)}
BLOCKS = frozenset(
    words_in("p div li td th tr dd dt h1 h2 h3 h4 h5 h6 section article address table ul ol")
)
GENERIC_MAILBOXES = frozenset(
    words_in(
        "info office sales contact admin hello mail enquiries inquiries support service webmaster "
        "reception booking bookings events jobs careers hr press media marketing billing accounts"
    )
)
ENTITY_TYPES = ("PER", "FUNC", "ORG", "EMAIL")


@dataclass
class Entity:
    """One annotated entity: its type, text, and the elements that carry it."""

    kind: str
    text: str
    elements: list[lxml.html.HtmlElement] = field(default_factory=list)


def git_show(repo: Path, path: str) -> bytes | None:
    """A file's bytes at HEAD of the repository, or None when it is absent."""
    done = subprocess.run(
        ["git", f"--git-dir={repo}", "show", f"HEAD:{path}"], capture_output=True, check=False
    )
    return done.stdout if done.returncode == 0 else None


def git_list(repo: Path, folder: str) -> list[str]:
    """File names in a folder at HEAD."""
    done = subprocess.run(
        ["git", f"--git-dir={repo}", "ls-tree", "--name-only", f"HEAD:{folder}"],
        capture_output=True,
        check=True,
        text=True,
    )
    return done.stdout.split()


def reserved_pages(path: Path) -> set[tuple[str, str]]:
    """(sub-corpus, page number) pairs the reserved list names for webstruct."""
    pattern = re.compile(r"scrapinghub/webstruct:webstruct_data/corpus/([^/]+)/[^/]+/(\d+)\.html")
    pairs = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        match = pattern.match(line.strip())
        if match:
            pairs.add((match.group(1), match.group(2)))
    return pairs


def squash(text: str) -> str:
    """Whitespace squashed."""
    return re.sub(r"\s+", " ", text).strip()


def entities(tree: lxml.html.HtmlElement) -> list[Entity]:
    """Annotated entities in document order (spans sharing a wa-id form one entity)."""
    found: list[Entity] = []
    by_id: dict[str, Entity] = {}
    for element in tree.iter("span"):
        kind = element.get("wa-type")
        if kind not in ENTITY_TYPES:
            continue
        wa_id = element.get("wa-id") or str(id(element))
        entity = by_id.get(wa_id)
        if entity is None or entity.kind != kind:
            entity = Entity(kind, "")
            by_id[wa_id] = entity
            found.append(entity)
        entity.elements.append(element)
        entity.text = squash(f"{entity.text} {element.text_content()}")
    return [e for e in found if e.text]


def block_of(element: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The nearest block-level ancestor."""
    node = element.getparent()
    while node is not None and node.tag not in BLOCKS:
        node = node.getparent()
    return node if node is not None else element


def together(a: Entity, b: Entity, limit: int = 400) -> bool:
    """Whether two entities sit in one small block (one contains the other's block)."""
    block_a, block_b = block_of(a.elements[0]), block_of(b.elements[0])
    for outer, inner in ((block_a, block_b), (block_b, block_a)):
        node: lxml.html.HtmlElement | None = inner
        while node is not None:
            if node is outer:
                return len(squash(outer.text_content())) <= limit
            node = node.getparent()
    parent_a, parent_b = block_a.getparent(), block_b.getparent()
    return (
        parent_a is not None
        and parent_a is parent_b
        and parent_a.tag in ("tr", "div", "li", "td", "dl", "p")
        and len(squash(parent_a.text_content())) <= limit
    )


def own_mailbox(name: str, address: str) -> bool:
    """Whether an address reads as the person's own (their first or last name, or initials)."""
    local = fold_text(address.split("@")[0])
    if local in GENERIC_MAILBOXES:
        return False
    words = [w for w in re.findall(r"[a-z]+", fold_text(name)) if len(w) > 1]
    if not words:
        return False
    initials = "".join(w[0] for w in words)
    if any(w in local for w in words if len(w) > 2):
        return True
    return local in (initials, words[0][0] + words[-1])


def page_company(orgs: list[str], title: str, host: str) -> tuple[str | None, str | None]:
    """The organization the page is about, and a note when that is unclear."""
    if not orgs:
        return None, "no ORG annotated"
    counts = Counter(company_key(o) for o in orgs if company_key(o))
    spelled: dict[str, str] = {}
    for org in orgs:
        spelled.setdefault(company_key(org), org)
    site = re.sub(r"[^a-z0-9]", "", host.removeprefix("www.").split(".")[0])
    title_key = company_key(title)
    ranked = counts.most_common()
    for key, _ in ranked:
        squeezed = key.replace(" ", "")
        if (squeezed and (squeezed in site or site in squeezed)) or (key and key in title_key):
            note = None if key == ranked[0][0] else "company is not the most annotated ORG"
            return spelled[key], note
    return spelled[ranked[0][0]], "company neither in the title nor the host name"


def draft_key(wa_html: bytes, url: str) -> tuple[str | None, list[list[str | None]], list[str]]:
    """Company, people and review notes from an annotated page."""
    tree = lxml.html.fromstring(wa_html)
    found = entities(tree)
    title = squash(tree.findtext(".//title") or "")
    company, note = page_company(
        [e.text for e in found if e.kind == "ORG"], title, urlsplit(url).hostname or ""
    )
    review = [note] if note else []
    people: list[list[str | None]] = []
    seen: set[str] = set()
    for i, entity in enumerate(found):
        if entity.kind != "PER" or fold_text(entity.text) in seen:
            continue
        seen.add(fold_text(entity.text))
        before = found[i - 1] if i > 0 else None
        after = found[i + 1] if i + 1 < len(found) else None
        neighbours = [e for e in (after, before) if e is not None and together(entity, e)]
        titles = [e for e in neighbours if e.kind == "FUNC"]
        # A title before the name belongs to it only when no other name claims it first.
        claimed = titles and titles[0] is before and i > 1 and found[i - 2].kind == "PER"
        if len(titles) == 2 or claimed:
            review.append(f"{entity.text}: title taken from a neighbour")
        title_text = titles[0].text if titles else None
        email = None
        for neighbour in found[i + 1 : i + 4]:
            if neighbour.kind == "PER":
                break
            if neighbour.kind == "EMAIL" and together(entity, neighbour, 600):
                if own_mailbox(entity.text, neighbour.text):
                    email = neighbour.text
                else:
                    review.append(f"{entity.text}: {neighbour.text} beside them, not theirs?")
                break
        if title_text is None:
            review.append(f"{entity.text}: no title annotated beside the name")
        people.append([entity.text, title_text, email])
    return company, people, review


def page_url(repo: Path, sub: str, number: int, annotated: bytes | None) -> str:
    """The page's address: its <base>, or its line in the sub-corpus's websites.txt."""
    if annotated is not None:
        base = re.search(r"<base\s[^>]*href=[\"']?([^\"' >]+)", annotated.decode("utf-8", "ignore"))
        # Pages saved without a <base> (or with a local one) keep no address.
        if base and base.group(1).startswith("http"):
            return base.group(1)
    listing = git_show(repo, f"{ROOT}/{sub}/websites.txt")
    if listing is None:
        return ""
    lines = [
        line.split()[0] for line in listing.decode().splitlines() if line.strip()[:1] not in "#"
    ]
    return lines[number] if number < len(lines) else ""


def main(argv: list[str] | None = None) -> int:
    """Write the pages and their draft keys."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, required=True, help="webstruct git directory")
    parser.add_argument("--reserved", type=Path, required=True, help="pages to leave out")
    parser.add_argument("--out", type=Path, default=CORPUS)
    parser.add_argument("--max", type=int, default=150, help="at most this many annotated pages")
    parser.add_argument(
        "--max-by-hand", type=int, default=30, help="at most this many pages keyed by hand"
    )
    parser.add_argument(
        "--nameless-every",
        type=int,
        default=6,
        help="keep one in this many pages that name a company but no people",
    )
    parser.add_argument("--force", action="store_true", help="overwrite existing pages")
    args = parser.parse_args(argv)
    reserved = reserved_pages(args.reserved)
    written: Counter[str] = Counter()
    nameless = 0
    for sub, lang, people_marked in SUB_CORPORA:
        limit = args.max if people_marked else args.max_by_hand
        names = git_list(args.repo, f"{ROOT}/{sub}/source")
        numbers = sorted(int(n[:-5]) for n in names if re.fullmatch(r"\d+\.html", n))
        for number in numbers:
            if written[lang] >= limit:
                break
            if (sub, str(number)) in reserved:
                continue
            source = git_show(args.repo, f"{ROOT}/{sub}/source/{number}.html")
            annotated = git_show(args.repo, f"{ROOT}/{sub}/wa/{number}.html")
            if source is None or len(source) > MAX_BYTES:  # skip huge pages
                continue
            if people_marked and annotated is None:
                continue
            try:
                html = source.decode("utf-8")
            except UnicodeDecodeError:
                continue
            url = page_url(args.repo, sub, number, annotated)
            if people_marked and annotated is not None:
                company, people, review = draft_key(annotated, url)
                if not people:
                    nameless += 1
                    if company is None or nameless % args.nameless_every:
                        continue
            else:
                company, people = None, []
                review = ["annotations mark opening hours only: company and people read by hand"]
            for person in people:
                if str(person[0]).split()[-1] not in html or (person[2] and person[2] not in html):
                    review.append(f"{person[0]}: not printed verbatim in the served page")
            written[lang] += 1
            page_id = f"{lang}-webstruct-{written[lang]:03d}"
            if (sub, number) in LEFT_OUT:
                continue
            key = {
                "split": "dev" if written[lang] % 2 else "test",
                "lang": lang,
                "layout": "webstruct",
                "url": url,
                "source": f"scrapinghub/webstruct:{ROOT}/{sub}/source/{number}.html",
                "company": company,
                "people": people,
                "review": review,
            }
            if (args.out / f"{page_id}.json").exists() and not args.force:
                continue  # keys are corrected by hand after import; never overwrite them
            (args.out / f"{page_id}.html").write_bytes(source)
            (args.out / f"{page_id}.json").write_text(
                json.dumps(key, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
    print(f"{dict(written)} pages in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
