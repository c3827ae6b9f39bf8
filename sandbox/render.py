"""Render a company's own site as pages, in a style drawn per company.

The style decides the skeleton, URL layout, team layout, structured data, how emails are
shown and how each fact is phrased; what is true comes from the ``Company`` only.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sandbox import templates, vocab
from sandbox.model import Company, FundingRound, Page, Person
from sandbox.templates import Phrase
from sandbox.text import attr, cap, esc, format_date, human_join, indefinite_article, slugify

SCHEMA = "https://schema.org"


@dataclass(frozen=True)
class SitePaths:
    """Where a site keeps each kind of page, and what its nav calls them."""

    about: str
    team: str
    careers: str
    job: str  # with {slug}
    blog: str
    post: str  # with {slug}, {yyyy}, {mm}
    contact: str
    private: str
    labels: tuple[str, str, str, str, str]  # about, team, careers, blog, contact


PATH_STYLES: dict[str, SitePaths] = {
    "plain": SitePaths(
        "/about", "/team", "/careers", "/careers/{slug}", "/blog", "/blog/{slug}", "/contact",
        "/private/investor-update", ("About", "Team", "Careers", "Blog", "Contact"),
    ),
    "company": SitePaths(
        "/company", "/company/leadership", "/jobs", "/jobs/{slug}", "/news", "/news/{slug}",
        "/company/contact", "/private/board", ("Company", "Leadership", "Jobs", "News", "Contact"),
    ),
    "static": SitePaths(
        "/about.html", "/people.html", "/join-us.html", "/jobs/{slug}.html", "/press.html",
        "/press/{slug}.html", "/contact.html", "/private/roster.html",
        ("About us", "People", "Join us", "Press", "Contact"),
    ),
    "nested": SitePaths(
        "/about-us", "/about-us/team", "/careers", "/careers/openings/{slug}", "/blog",
        "/blog/{yyyy}/{mm}/{slug}", "/about-us/contact", "/private/team-directory",
        ("About us", "Our team", "Careers", "Blog", "Get in touch"),
    ),
}  # fmt: skip


@dataclass(frozen=True)
class SiteStyle:
    """Every presentational choice of one company's site."""

    shell: str
    accent: str
    paths: SitePaths
    team_layout: str
    team_heading: str
    careers_layout: str
    facts_layout: str
    structured: str  # "jsonld" | "microdata" | "none"
    email_display: str  # "link" | "label" | "text"
    obfuscation: str
    headcount: Phrase
    hq: str
    founded: str | None
    founders: str
    funding: Phrase
    date_style: str
    job_pages: bool
    stack_on_careers: bool
    contact_page: bool
    sitemap: bool
    canonical: bool
    footer_note: str
    robots: str
    js_variant: str  # "embedded" | "fetch"
    socials: tuple[str, ...]


def draw_style(rng: random.Random, company: Company) -> SiteStyle:
    """Draw a site style for a company."""
    public = company.stage == "public"
    return SiteStyle(
        shell=rng.choice(sorted(templates.SHELLS)),
        accent=rng.choice(templates.ACCENTS),
        paths=PATH_STYLES[rng.choice(sorted(PATH_STYLES))],
        team_layout=rng.choice(sorted(templates.TEAM_LAYOUTS)),
        team_heading=rng.choice(templates.TEAM_HEADINGS),
        careers_layout=rng.choice(("list", "table", "cards")),
        facts_layout=rng.choice(("list", "paragraph")),
        structured=rng.choices(("jsonld", "microdata", "none"), weights=(3, 2, 5))[0],
        email_display=rng.choice(("link", "link", "label", "text")),
        obfuscation=rng.choice(sorted(templates.OBFUSCATIONS)),
        headcount=rng.choice(templates.HEADCOUNT_PHRASES),
        hq=rng.choice(templates.HQ_PHRASES),
        founded=rng.choice(templates.FOUNDED_PHRASES) if rng.random() < 0.8 else None,
        founders=rng.choice(templates.FOUNDERS_PHRASES),
        funding=rng.choice(templates.PUBLIC_PHRASES if public else templates.FUNDING_PHRASES),
        date_style=rng.choice(templates.DATE_STYLES),
        job_pages=rng.random() < 0.5,
        stack_on_careers=rng.random() < 0.75,
        contact_page=rng.random() < 0.6,
        sitemap=rng.random() < 0.5,
        canonical=rng.random() < 0.5,
        footer_note=rng.choice(templates.FOOTER_NOTES),
        robots=rng.choice(
            templates.ROBOTS_PRIVATE
            if "robots_private" in company.noise
            else templates.ROBOTS_VARIANTS
        ),
        js_variant=rng.choice(("embedded", "fetch")),
        socials=tuple(s for s in ("x", "github") if rng.random() < 0.5),
    )


@dataclass
class Post:
    """A blog or press post before rendering."""

    kind: str
    title: str
    day: date
    paragraphs: list[str]
    author: Person | None = None
    url: str = ""
    facts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Bait:
    """Data on a robots-disallowed page that must never reach results."""

    people: tuple[tuple[str, str, str], ...]  # (name, title, email)
    phone: str
    headcount: int

    @property
    def values(self) -> tuple[str, ...]:
        """Every value that must never appear in results."""
        flat = [value for person in self.people for value in (person[0], person[2])]
        return (*flat, self.phone)


@dataclass
class CompanySite:
    """Renders one company's primary site."""

    company: Company
    style: SiteStyle
    ref: date
    rng: random.Random
    address: str
    pages: list[Page] = field(default_factory=list)
    facts: set[str] = field(default_factory=set)
    charset: str = "utf-8"

    @property
    def base(self) -> str:
        """The site's origin."""
        return f"http://{self.company.primary_domain}"

    def render(self) -> list[Page]:
        """Every page of the primary site, robots.txt and redirects included."""
        company, paths = self.company, self.style.paths
        if "charset_latin1" in company.noise:
            self.charset = self.rng.choice(("iso-8859-1", "iso-8859-1", "windows-1252"))
        posts = self._plan_posts()
        self._home(posts)
        self._about()
        self._team()
        self._careers()
        self._blog(posts)
        if self.style.contact_page:
            self._contact()
        if "insite_redirect" in company.noise:
            legacy_team = "/team-members" if paths.team == "/team" else "/team"
            self._redirect(legacy_team, paths.team, 301)
            self._redirect("/home", "/", 302)
        self._robots_and_sitemap()
        company.site_facts = self.facts
        return self.pages

    # -- skeleton --------------------------------------------------------------------------

    def _nav(self) -> str:
        paths, shell = self.style.paths, templates.SHELLS[self.style.shell]
        team = paths.team
        if "insite_redirect" in self.company.noise:
            team = "/team-members" if paths.team == "/team" else "/team"  # crawlers must follow
        links = [paths.about, team, paths.careers, paths.blog]
        if self.style.contact_page:
            links.append(paths.contact)
        labels = paths.labels
        items = [
            shell.nav_item.substitute(href=attr(href), label=esc(label))
            for href, label in zip(links, labels, strict=False)
        ]
        return shell.nav_joiner.join(items)

    def _footer(self) -> str:
        company = self.company
        note = self.style.footer_note.format(year=self.ref.year, name=company.name)
        links = []
        if company.linkedin:
            links.append(f'<a href="{attr(company.linkedin)}">LinkedIn</a>')
        if "x" in self.style.socials:
            links.append(f'<a href="https://x.com/{company.slug}">X</a>')
        if "github" in self.style.socials:
            links.append(f'<a href="https://github.com/{company.slug}">GitHub</a>')
        hello = f"hello@{company.primary_domain}"
        links.append(f'<a href="mailto:{hello}">{hello}</a>')
        if company.phone and not self.style.contact_page:
            links.append(f'<a href="tel:{company.phone_e164}">{esc(company.phone)}</a>')
            self.facts.add("phone")
        if company.linkedin:
            self.facts.add("linkedin")
        if "robots_private" in company.noise:
            # Linked, so that a crawler ignoring robots.txt walks straight into the bait.
            links.append(f'<a href="{self.style.paths.private}">Investor portal</a>')
        return f'<p>{esc(note)}</p>\n<p class="links">{" · ".join(links)}</p>'

    def _page(
        self,
        path: str,
        kind: str,
        title: str,
        content: str,
        *,
        head_extra: str = "",
        description: str | None = None,
        charset: str = "utf-8",
        rendered_content: str | None = None,
    ) -> Page:
        company, style = self.company, self.style
        shell = templates.SHELLS[style.shell]
        extra = head_extra
        if style.canonical:
            extra = f'\n<link rel="canonical" href="{self.base}{path}">' + extra

        def document(body: str) -> str:
            html = shell.document.substitute(
                charset=charset,
                title=esc(title),
                description=attr(description or company.tagline),
                head_extra=extra,
                accent=style.accent,
                kind=kind,
                name=esc(company.name),
                nav=self._nav(),
                content=body,
                footer=self._footer(),
            )
            return encodable(html, charset)

        page = Page(
            url=f"{self.base}{path}",
            html=document(content),
            content_type=f"text/html; charset={charset}",
            js_only=rendered_content is not None,
            kind=kind,
            rendered_html=document(rendered_content) if rendered_content is not None else None,
        )
        self.pages.append(page)
        return page

    def _redirect(self, path: str, target: str, status: int) -> None:
        self.pages.append(
            Page(
                url=f"{self.base}{path}",
                html="",
                status=status,
                headers={"location": f"{self.base}{target}"},
                kind="redirect",
            )
        )

    # -- pages -----------------------------------------------------------------------------

    def _home(self, posts: list[Post]) -> None:
        company, style = self.company, self.style
        industry = vocab.INDUSTRY_VOCAB[company.industry]
        latest = "\n".join(
            f'<li><a href="{attr(_path(p.url))}">{esc(p.title)}</a> '
            f'<time datetime="{p.day.isoformat()}">{format_date(p.day, style.date_style)}</time>'
            "</li>"
            for p in sorted(posts, key=lambda p: p.day, reverse=True)[:3]
        )
        cta = (
            f'<p><a class="cta" href="{style.paths.careers}">We\'re hiring</a></p>'
            if company.open_roles
            else ""
        )
        mission = self._fill(self.rng.choice(templates.MISSIONS), industry)
        content = (
            f'<section class="hero">\n<h1>{esc(company.tagline)}</h1>\n'
            f'<p class="lead">{esc(company.description)}</p>\n{cta}\n</section>\n'
            f'<section class="mission"><p>{esc(mission)}</p></section>\n'
            f'<section class="latest">\n<h2>Latest news</h2>\n<ul>\n{latest}\n</ul>\n</section>'
        )
        head = ""
        if style.structured == "jsonld":
            head = _jsonld(self._organization())
            self.facts.update({"employees", "founded_year", "city", "country", "founders"})
        elif style.structured == "microdata":
            content = (
                f'<div itemscope itemtype="{SCHEMA}/Organization">'
                f'<meta itemprop="name" content="{attr(company.name)}">'
                f'<link itemprop="url" href="{self.base}/">\n{content}\n</div>'
            )
        self._page("/", "home", f"{company.name} — {company.tagline}", content, head_extra=head)

    def _about(self) -> None:
        company, style = self.company, self.style
        industry = vocab.INDUSTRY_VOCAB[company.industry]
        country = vocab.COUNTRIES[company.country]
        latest = company.latest_round
        values = self._values()
        sentences = [style.hq.format(**values)]
        self.facts.add("city")
        if "{country" in style.hq:
            self.facts.add("country")
        if style.founded:
            sentences.append(style.founded.format(**values))
            self.facts.add("founded_year")
        founders = [p.full_name for p in company.current_people if p.founder]
        if founders:
            sentences.append(style.founders.format(**values, founders=human_join(founders)))
            self.facts.add("founders")
        sentences.append(style.headcount.text.format(**values))
        self.facts.update(style.headcount.facts)
        sentences.append(style.funding.text.format(**values))
        self.facts.update(style.funding.facts)
        if style.facts_layout == "list":
            facts = (
                '<ul class="key-facts">\n'
                + "\n".join(f"<li>{esc(s)}</li>" for s in sentences)
                + "\n</ul>"
            )
        else:
            facts = f'<p class="facts">{esc(" ".join(sentences))}</p>'
        mission = self._fill(self.rng.choice(templates.MISSIONS), industry)
        investors = human_join([latest.lead_investor, *latest.investors])
        content = (
            f"<h1>About {esc(company.name)}</h1>\n<p>{esc(company.description)}</p>\n"
            f"<p>{esc(mission)}</p>\n{facts}\n"
            f'<p>Meet the people behind it on our <a href="{style.paths.team}">team page</a>.</p>'
        )
        if company.stage != "public" and self.rng.random() < 0.5:
            content += f"\n<h2>Investors</h2>\n<p>{esc(investors)}</p>"
        self._page(
            style.paths.about,
            "about",
            f"About {company.name}",
            content,
            description=f"{company.name}, {company.city}, {country.name}",
            charset=self.charset,
        )

    def _team(self) -> None:
        company, style = self.company, self.style
        shown = [p for p in company.current_people if p.on_team_page]
        heading = style.team_heading.format(name=company.name)
        intro = self.rng.choice(templates.TEAM_INTROS).format(
            name=company.name,
            offering=self.rng.choice(vocab.INDUSTRY_VOCAB[company.industry].offerings),
            industry=vocab.INDUSTRY_VOCAB[company.industry].label,
        )
        top = f"<h1>{esc(heading)}</h1>\n" + (f"<p>{esc(intro)}</p>\n" if intro else "")
        title = f"{heading} | {company.name}"
        if "js_team" in company.noise:
            self._js_page(
                path=style.paths.team,
                kind="team",
                title=title,
                top=top,
                mount="team-root",
                data={"members": [self._member_json(p) for p in shown]},
                render_js=templates.JS_TEAM_RENDER,
                rendered=self._js_team_dom(shown),
                source="/data/team.json",
            )
            return
        microdata = style.structured == "microdata"
        items = "\n".join(self._member(p, microdata) for p in shown)
        layout = templates.TEAM_LAYOUTS[style.team_layout]
        body = layout.wrapper.substitute(items=items)
        if microdata:
            body = (
                f'<div itemscope itemtype="{SCHEMA}/Organization">'
                f'<meta itemprop="name" content="{attr(company.name)}">\n{body}\n</div>'
            )
        head = ""
        if style.structured == "jsonld":
            org = self._organization(brief=True)
            org["employee"] = [self._person_ld(p) for p in shown]
            head = _jsonld(org)
        self._page(
            style.paths.team, "team", title, top + body, head_extra=head, charset=self.charset
        )

    def _careers(self) -> None:
        company, style = self.company, self.style
        values = self._values()
        industry = vocab.INDUSTRY_VOCAB[company.industry]
        heading = self.rng.choice(templates.CAREERS_HEADINGS).format(name=company.name)
        intro = [self._fill(self.rng.choice(templates.CAREERS_INTROS), industry)]
        if "engineers" not in style.headcount.facts or self.rng.random() < 0.3:
            intro.append(self.rng.choice(templates.ENGINEERS_PHRASES).format(**values))
            self.facts.add("engineers")
        jobs = [self._job(title) for title in company.open_roles]
        # The full stack is always somewhere: stated on the careers page, or spread across
        # the job pages so that only crawling all of them recovers it.
        spread = not style.stack_on_careers and style.job_pages and len(jobs) >= 2
        if not spread:
            stack = human_join(company.tech_stack)
            intro.append(self.rng.choice(templates.STACK_PHRASES).format(stack=stack))
        self.facts.add("tech_stack")
        if jobs:
            self.facts.add("open_roles")
        jobs_email = f"jobs@{company.primary_domain}"
        top = f"<h1>{esc(heading)}</h1>\n"
        if "js_careers" in company.noise:
            self._js_page(
                path=style.paths.careers,
                kind="careers",
                title=f"{heading} | {company.name}",
                top=top,
                mount="jobs-root",
                data={"intro": " ".join(intro), "jobs": jobs},
                render_js=templates.JS_JOBS_RENDER,
                rendered=_js_jobs_dom(" ".join(intro), jobs),
                source="/data/jobs.json",
            )
        else:
            listing = (
                _openings(jobs, style.careers_layout)
                if jobs
                else f"<p>{esc(self.rng.choice(templates.NO_OPENINGS))}</p>"
            )
            content = (
                top
                + "\n".join(f"<p>{esc(p)}</p>" for p in intro)
                + f"\n<h2>Open positions</h2>\n{listing}\n"
                + f'<p>Questions? Write to <a href="mailto:{jobs_email}">{jobs_email}</a>.</p>'
            )
            self._page(style.paths.careers, "careers", f"{heading} | {company.name}", content)
        if style.job_pages:
            for job, tools in zip(jobs, self._tools_per_job(len(jobs), spread), strict=True):
                self._job_page(job, tools)

    def _tools_per_job(self, count: int, spread: bool) -> list[list[str]]:
        stack = self.company.tech_stack
        picks = [set(self.rng.sample(stack, min(len(stack), 3))) for _ in range(count)]
        if spread:
            for position, tech in enumerate(self.rng.sample(stack, len(stack))):
                picks[position % count].add(tech)
        return [[tech for tech in stack if tech in chosen] for chosen in picks]

    def _job(self, title: str) -> dict[str, Any]:
        company = self.company
        region = _REMOTE_REGIONS.get(company.country, "EU")
        location = self.rng.choice(templates.JOB_LOCATIONS).format(city=company.city, region=region)
        path = self.style.paths.job.format(slug=slugify(title))
        return {
            "title": title,
            "location": location,
            "team": _department(title),
            "url": path if self.style.job_pages else None,
        }

    def _job_page(self, job: dict[str, Any], tools: list[str]) -> None:
        company = self.company
        industry = vocab.INDUSTRY_VOCAB[company.industry]
        blurb = self._fill(self.rng.choice(templates.JOB_BLURBS), industry)
        needs = [
            f"Experience with {tools[0]}" if tools else "Curiosity",
            "You write clearly and care about the people who use what you build",
            f"Happy to work from {company.city} or remote within our time zones",
        ]
        content = (
            f'<article class="job">\n<h1>{esc(job["title"])}</h1>\n'
            f'<p class="job-meta">{esc(job["location"])} · {esc(job["team"])}</p>\n'
            f"<p>{esc(blurb)}</p>\n<h2>What you'll work with</h2>\n"
            f"<p>{esc(human_join(tools))}</p>\n<h2>What we look for</h2>\n<ul>\n"
            + "\n".join(f"<li>{esc(n)}</li>" for n in needs)
            + f'\n</ul>\n<p><a href="mailto:jobs@{company.primary_domain}">Apply</a></p>\n'
            "</article>"
        )
        self._page(job["url"], "job", f"{job['title']} at {company.name}", content)

    def _blog(self, posts: list[Post]) -> None:
        style, company = self.style, self.company
        label = style.paths.labels[3]
        entries = []
        for post in sorted(posts, key=lambda p: (p.day, p.url), reverse=True):
            when = format_date(post.day, style.date_style)
            entries.append(
                f'<article class="post-summary">\n<h2><a href="{attr(_path(post.url))}">'
                f"{esc(post.title)}</a></h2>\n"
                f'<time datetime="{post.day.isoformat()}">{when}</time>\n'
                f"<p>{esc(_excerpt(post.paragraphs[0]))}</p>\n</article>"
            )
        self._page(
            style.paths.blog,
            "blog",
            f"{label} | {company.name}",
            f"<h1>{esc(label)}</h1>\n" + "\n".join(entries),
        )
        for post in posts:
            self._post(post)

    def _post(self, post: Post) -> None:
        style = self.style
        when = format_date(post.day, style.date_style)
        meta = f'<time datetime="{post.day.isoformat()}">{when}</time>'
        if post.author is not None:
            byline = self.rng.choice(templates.BYLINES).format(
                person=post.author.full_name, title=post.author.title
            )
            meta += f' · <span class="byline">{esc(byline)}</span>'
        body = "\n".join(f"<p>{esc(p)}</p>" for p in post.paragraphs)
        content = (
            f'<article class="post">\n<h1>{esc(post.title)}</h1>\n<p class="meta">{meta}</p>\n'
            f"{body}\n</article>"
        )
        self._page(_path(post.url), "post", f"{post.title} | {self.company.name}", content)
        self.facts.update(post.facts)

    def _contact(self) -> None:
        company = self.company
        lines = [
            f'<p>Email: <a href="mailto:hello@{company.primary_domain}">'
            f"hello@{company.primary_domain}</a></p>"
        ]
        if company.phone:
            lines.append(
                f'<p>Phone: <a href="tel:{company.phone_e164}">{esc(company.phone)}</a></p>'
            )
            self.facts.add("phone")
        lines.append(f"<address>{esc(self.address)}</address>")
        self._page(
            self.style.paths.contact,
            "contact",
            f"Contact | {company.name}",
            "<h1>Contact us</h1>\n" + "\n".join(lines),
        )

    def private_page(self, bait: Bait) -> Page:
        """The robots-disallowed page holding bait data (rendered once the web exists)."""
        rows = "\n".join(
            f"<tr><td>{esc(name)}</td><td>{esc(title)}</td><td>{esc(email)}</td></tr>"
            for name, title, email in bait.people
        )
        content = (
            "<h1>Confidential — board &amp; investor update</h1>\n"
            "<p>Internal use only. Do not share.</p>\n"
            f"<p>Projected headcount next year: {bait.headcount}. "
            f"Board line: {esc(bait.phone)}</p>\n"
            "<table>\n<tr><th>Name</th><th>Role</th><th>Email</th></tr>\n"
            f"{rows}\n</table>"
        )
        return self._page(self.style.paths.private, "private", "Confidential", content)

    def _robots_and_sitemap(self) -> None:
        robots = self.style.robots.format(host=self.company.primary_domain)
        if self.style.sitemap:
            urls = sorted(
                p.url for p in self.pages if p.status == 200 and p.kind not in {"private", "data"}
            )
            body = "\n".join(f"  <url><loc>{attr(url)}</loc></url>" for url in urls)
            self.pages.append(
                Page(
                    url=f"{self.base}/sitemap.xml",
                    html='<?xml version="1.0" encoding="UTF-8"?>\n'
                    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                    f"{body}\n</urlset>\n",
                    content_type="application/xml",
                    kind="sitemap",
                )
            )
            robots += f"\nSitemap: {self.base}/sitemap.xml\n"
        self.pages.append(
            Page(
                url=f"{self.base}/robots.txt",
                html=robots,
                content_type="text/plain; charset=utf-8",
                kind="robots",
            )
        )

    # -- JS-only pages ---------------------------------------------------------------------

    def _js_page(
        self,
        *,
        path: str,
        kind: str,
        title: str,
        top: str,
        mount: str,
        data: dict[str, Any],
        render_js: str,
        rendered: str,
        source: str,
    ) -> None:
        payload = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
        if self.style.js_variant == "embedded":
            script = templates.JS_EMBEDDED.substitute(mount=mount, data=payload, render=render_js)
        else:
            script = templates.JS_FETCH.substitute(mount=mount, source=source, render=render_js)
            self.pages.append(
                Page(
                    url=f"{self.base}{source}",
                    html=payload,
                    content_type="application/json",
                    kind="data",
                )
            )
        self._page(path, kind, title, top + script, rendered_content=top + rendered)

    def _member_json(self, person: Person) -> dict[str, Any]:
        member: dict[str, Any] = {"name": person.full_name, "title": person.title}
        if person.email_published == "plain":
            member["email"] = person.email
        elif person.email_published == "obfuscated":
            member["email_text"] = self._obfuscate(person.email)
        if person.profiles:
            member["links"] = [{"label": label, "url": url} for label, url in person.profiles]
        return member

    def _js_team_dom(self, people: list[Person]) -> str:
        """The DOM ``JS_TEAM_RENDER`` builds, for the search engine that runs scripts."""
        cards = []
        for person in people:
            member = self._member_json(person)
            parts = [
                f"<h3>{esc(member['name'])}</h3>",
                f'<p class="title">{esc(member["title"])}</p>',
            ]
            if "email" in member:
                parts.append(f'<a href="mailto:{member["email"]}">{member["email"]}</a>')
            elif "email_text" in member:
                parts.append(f'<span class="email">{esc(member["email_text"])}</span>')
            for link in member.get("links", []):
                parts.append(f'<a href="{attr(link["url"])}">{esc(link["label"])}</a>')
            cards.append(f'<div class="member">{"".join(parts)}</div>')
        return '<div id="team-root" class="js-mount">' + "".join(cards) + "</div>"

    # -- people ----------------------------------------------------------------------------

    def _member(self, person: Person, microdata: bool) -> str:
        layout = templates.TEAM_LAYOUTS[self.style.team_layout]
        scope = f' itemprop="employee" itemscope itemtype="{SCHEMA}/Person"' if microdata else ""
        name_attrs = ' itemprop="name"' if microdata else ""
        title_attrs = ' itemprop="jobTitle"' if microdata else ""
        extras = self._contact_links(person, microdata)
        values = {
            "person_attrs": scope,
            "name_attrs": name_attrs,
            "title_attrs": title_attrs,
            "name": esc(person.full_name),
            "title": esc(person.title),
            "photo": f"/img/team/{slugify(person.full_name)}.jpg",
            "extras": f" {extras}" if extras else "",
        }
        if self.style.team_layout == "prose":
            templates_ = (
                templates.FOUNDER_SENTENCES if person.founder else templates.PROSE_SENTENCES
            )
            joined = person.joined_on or self.ref
            values["sentence"] = self.rng.choice(templates_).substitute(
                name=f"<strong{name_attrs}>{values['name']}</strong>",
                title=f"<span{title_attrs}>{values['title']}</span>",
                area=esc(vocab.ROLES[person.role].area),
                year=joined.year,
                company=esc(self.company.name),
            )
        return layout.item.substitute(values)

    def _contact_links(self, person: Person, microdata: bool) -> str:
        links = []
        email_prop = ' itemprop="email"' if microdata else ""
        if person.email_published == "plain":
            email = person.email
            if self.style.email_display == "link":
                links.append(f'<a href="mailto:{email}"{email_prop}>{email}</a>')
            elif self.style.email_display == "label":
                links.append(f'<a class="email" href="mailto:{email}"{email_prop}>Email</a>')
            else:
                links.append(f'<span class="email"{email_prop}>{email}</span>')
        elif person.email_published == "obfuscated":
            links.append(f'<span class="email">{esc(self._obfuscate(person.email))}</span>')
        same_as = ' itemprop="sameAs"' if microdata else ""
        for label, url in person.profiles:
            links.append(f'<a class="{label.lower()}" href="{attr(url)}"{same_as}>{label}</a>')
        return " · ".join(links)

    def _obfuscate(self, email: str) -> str:
        local, _, domain = email.partition("@")
        domain_name, _, tld = domain.rpartition(".")
        return templates.OBFUSCATIONS[self.style.obfuscation].format(
            local=local, domain=domain, domain_name=domain_name, tld=tld
        )

    def _person_ld(self, person: Person) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "@type": "Person",
            "name": person.full_name,
            "jobTitle": person.title,
        }
        if person.email_published == "plain":
            entry["email"] = person.email
        if person.profiles:
            entry["sameAs"] = [url for _, url in person.profiles]
        return entry

    def _organization(self, *, brief: bool = False) -> dict[str, Any]:
        company = self.company
        org: dict[str, Any] = {
            "@context": SCHEMA,
            "@type": "Organization",
            "name": company.name,
            "url": f"{self.base}/",
        }
        if brief:
            return org
        org.update(
            {
                "logo": f"{self.base}/logo.png",
                "description": company.description,
                "foundingDate": str(company.founded_year),
                "address": {
                    "@type": "PostalAddress",
                    "addressLocality": company.city,
                    "addressCountry": company.country,
                },
                "numberOfEmployees": {"@type": "QuantitativeValue", "value": company.employees},
                "founder": [
                    {"@type": "Person", "name": p.full_name}
                    for p in company.current_people
                    if p.founder
                ],
            }
        )
        if company.linkedin:
            org["sameAs"] = [company.linkedin]
        return org

    # -- posts -----------------------------------------------------------------------------

    def _plan_posts(self) -> list[Post]:
        company, rng = self.company, self.rng
        posts: list[Post] = []
        ceo = next(p for p in company.current_people if p.role == "ceo")
        latest = company.latest_round
        if company.stage != "public" and rng.random() < 0.65:
            posts.append(
                self._post_from(
                    "funding",
                    latest.announced_on,
                    ceo,
                    facts=("stage", "funding_amount", "funded_at"),
                )
            )
        for earlier in company.rounds[:-1]:
            if rng.random() < 0.35:
                posts.append(
                    self._post_from("prior_funding", earlier.announced_on, ceo, round_=earlier)
                )
        former = [p for p in company.people if not p.current]
        for person in former:
            successor = next(p for p in company.current_people if p.role == person.role)
            assert person.joined_on is not None and person.left_on is not None
            posts.append(self._post_from("former_hire", person.joined_on, ceo, subject=person))
            if rng.random() < 0.6:
                posts.append(self._post_from("departure", person.left_on, ceo, subject=person))
            assert successor.joined_on is not None
            posts.append(self._post_from("hire", successor.joined_on, ceo, subject=successor))
        replaced = {p.role for p in former}
        for person in company.current_people:
            leader = vocab.ROLES[person.role].leadership
            if leader and not person.founder and person.role not in replaced and rng.random() < 0.3:
                assert person.joined_on is not None
                posts.append(self._post_from("hire", person.joined_on, ceo, subject=person))
        if company.previous_employees is not None and company.previous_employees_on is not None:
            posts.append(self._post_from("milestone", company.previous_employees_on, ceo))
        authors = [p for p in company.current_people if not p.on_team_page]
        if rng.random() < 0.5:
            authors.append(rng.choice(company.current_people))
        for author in authors:
            posts.append(self._post_from("engineering", self._recent_day(), author))
        if rng.random() < 0.5 or not posts:
            posts.append(self._post_from("product", self._recent_day(), None))
        return self._place(posts)

    def _post_from(
        self,
        kind: str,
        day: date,
        author: Person | None,
        *,
        subject: Person | None = None,
        round_: FundingRound | None = None,
        facts: tuple[str, ...] = (),
    ) -> Post:
        company, rng = self.company, self.rng
        funding = round_ or company.latest_round
        industry = vocab.INDUSTRY_VOCAB[company.industry]
        product = rng.choice(industry.products)
        values = {
            **self._values(funding),
            "product": product,
            "product_cap": cap(product.removeprefix("a ").removeprefix("an ")),
            "person": subject.full_name if subject else "",
            "first": subject.first_name if subject else "",
            "title": subject.title if subject else "",
            "area": vocab.ROLES[subject.role].area if subject else "",
            "years": self._tenure_years(subject),
            "old": company.previous_employees or company.employees,
            "tech": rng.choice(company.tech_stack),
            "season": templates.SEASONS[(day.month % 12) // 3],
        }
        title = rng.choice(templates.POST_TITLES[kind]).format(**values)
        paragraphs = [rng.choice(templates.POST_BODIES[kind]).format(**values)]
        if author is not None and author.joined_on is not None and author.joined_on > day:
            author = None  # nobody signs a post from before they joined
        if kind == "funding" and company.open_roles and (self.ref - day).days < 120:
            paragraphs.append(f"We're hiring: {', '.join(company.open_roles[:3])} and more.")
        if kind == "milestone":
            facts = ("previous_employees",)
        return Post(kind, title, day, paragraphs, author, facts=facts)

    def _tenure_years(self, person: Person | None) -> int:
        if person is None or person.joined_on is None:
            return 1
        return max(1, ((person.left_on or self.ref) - person.joined_on).days // 365)

    def _place(self, posts: list[Post]) -> list[Post]:
        used: set[str] = set()
        for post in posts:
            slug = slugify(post.title)
            while slug in used:
                slug += "-2"
            used.add(slug)
            path = self.style.paths.post.format(
                slug=slug, yyyy=f"{post.day.year:04d}", mm=f"{post.day.month:02d}"
            )
            post.url = f"{self.base}{path}"
        return posts

    def _recent_day(self) -> date:
        start = max(date(self.company.founded_year, 6, 1), self.ref - timedelta(days=720))
        span = max(1, (self.ref - timedelta(days=7) - start).days)
        return start + timedelta(days=self.rng.randint(0, span))

    # -- values ----------------------------------------------------------------------------

    def _values(self, funding: FundingRound | None = None) -> dict[str, Any]:
        company = self.company
        country = vocab.COUNTRIES[company.country]
        funding = funding or company.latest_round
        label = vocab.STAGE_LABELS[funding.stage]
        return {
            "name": company.name,
            "city": company.city,
            "country": country.name,
            "country_short": country.short,
            "year": company.founded_year,
            "founded": company.founded_year,
            "employees": company.employees,
            "engineers": company.engineers,
            "amount": funding.amount_text,
            "article": indefinite_article(funding.amount_text),
            "stage": label,
            "stage_cap": cap(label),
            "lead": funding.lead_investor,
            "others": human_join(list(funding.investors)) or "our angels",
            "investors": human_join([funding.lead_investor, *funding.investors]),
            "month": templates.MONTHS[funding.announced_on.month - 1],
            "offering": self.rng.choice(vocab.INDUSTRY_VOCAB[company.industry].offerings),
            "customers": self.rng.choice(vocab.INDUSTRY_VOCAB[company.industry].customers),
            "funded_year": funding.announced_on.year,
        }

    def _fill(self, template: str, industry: vocab.Industry) -> str:
        return template.format(
            name=self.company.name,
            offering=self.rng.choice(industry.offerings),
            customers=self.rng.choice(industry.customers),
            product=self.rng.choice(industry.products),
            industry=industry.label,
        )


_REMOTE_REGIONS: dict[str, str] = {"US": "US", "CA": "Canada", "GB": "UK", "CH": "Switzerland"}


def encodable(html: str, charset: str) -> str:
    """The document with characters the charset lacks turned into character references."""
    if charset.lower() in {"utf-8", "utf8"}:
        return html
    return html.encode(charset, "xmlcharrefreplace").decode(charset)


def _jsonld(data: dict[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=2).replace("</", "<\\/")
    return f'\n<script type="application/ld+json">\n{text}\n</script>'


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"


def _excerpt(text: str, limit: int = 140) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def _department(title: str) -> str:
    lowered = title.lower()
    for needle, team in (
        ("design", "Design"),
        ("data", "Data"),
        ("engineer", "Engineering"),
        ("account", "Sales"),
        ("sales", "Sales"),
        ("marketing", "Marketing"),
        ("marketer", "Marketing"),
        ("product", "Product"),
        ("customer", "Customer Success"),
    ):
        if needle in lowered:
            return team
    return "Operations"


def _openings(jobs: list[dict[str, Any]], layout: str) -> str:
    def title(job: dict[str, Any]) -> str:
        if job["url"]:
            return f'<a href="{attr(job["url"])}">{esc(job["title"])}</a>'
        return esc(job["title"])

    if layout == "table":
        rows = "\n".join(
            f"<tr><td>{title(j)}</td><td>{esc(j['team'])}</td><td>{esc(j['location'])}</td></tr>"
            for j in jobs
        )
        return (
            '<table class="openings">\n<tr><th>Role</th><th>Team</th><th>Location</th></tr>\n'
            f"{rows}\n</table>"
        )
    if layout == "cards":
        return (
            '<div class="job-cards">\n'
            + "\n".join(
                f'<div class="job-card"><h3>{title(j)}</h3><p>{esc(j["team"])} · '
                f"{esc(j['location'])}</p></div>"
                for j in jobs
            )
            + "\n</div>"
        )
    return (
        '<ul class="openings">\n'
        + "\n".join(f"<li>{title(j)} — {esc(j['location'])}</li>" for j in jobs)
        + "\n</ul>"
    )


def _js_jobs_dom(intro: str, jobs: list[dict[str, Any]]) -> str:
    """The DOM ``JS_JOBS_RENDER`` builds."""
    items = "".join(
        "<li>"
        + (
            f'<a href="{attr(j["url"])}">{esc(j["title"])}</a>'
            if j["url"]
            else f"<span>{esc(j['title'])}</span>"
        )
        + f" — {esc(j['location'])}</li>"
        for j in jobs
    )
    return (
        f'<div id="jobs-root" class="js-mount"><p>{esc(intro)}</p>'
        f'<ul class="openings">{items}</ul></div>'
    )
