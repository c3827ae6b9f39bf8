"""Page templates and phrasings, as data: the renderers pick among them per site.

HTML skeletons are ``string.Template`` strings (``$name``) so that CSS braces need no
escaping; sentences are ``str.format`` strings (``{name}``) filled with plain facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from string import Template


@dataclass(frozen=True)
class Shell:
    """A site skeleton: the document around the content and how nav links look."""

    document: Template
    nav_item: Template
    nav_joiner: str = "\n"


SHELLS: dict[str, Shell] = {
    "classic": Shell(
        Template(
            """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="$charset">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<meta name="description" content="$description">$head_extra
<style>body{font-family:system-ui,sans-serif;margin:0;color:#1d1d1f}
.site-header,.site-footer{padding:1rem 2rem;background:$accent;color:#fff}
.site-header a,.site-footer a{color:#fff}main{max-width:60rem;margin:auto;padding:2rem}</style>
</head>
<body class="page-$kind">
<header class="site-header">
<a class="brand" href="/">$name</a>
<nav class="main-nav"><ul>
$nav
</ul></nav>
</header>
<main id="content">
$content
</main>
<footer class="site-footer">
$footer
</footer>
</body>
</html>
"""
        ),
        Template('<li><a href="$href">$label</a></li>'),
    ),
    "landing": Shell(
        Template(
            """<!doctype html><html lang="en"><head><meta charset="$charset"/>"""
            """<meta name="viewport" content="width=device-width"/><title>$title</title>"""
            """<meta name="description" content="$description"/>$head_extra"""
            """<style>.mx-auto{margin:0 auto}.max-w-6xl{max-width:72rem}"""
            """.px-6{padding:0 1.5rem}.accent{color:$accent}</style></head>"""
            """<body><div id="__next"><div class="min-h-screen flex flex-col">"""
            """<div class="sticky top-0 border-b bg-white"><div class="mx-auto max-w-6xl flex"""
            """ items-center justify-between px-6 py-4"><a href="/" class="font-semibold"""
            """ text-lg accent">$name</a><div class="hidden md:flex gap-6">$nav</div></div>"""
            """</div><div class="flex-1 mx-auto max-w-6xl px-6 py-12">$content</div>"""
            """<div class="border-t py-10 text-sm text-gray-500"><div class="mx-auto max-w-6xl"""
            """ px-6">$footer</div></div></div></div></body></html>"""
        ),
        Template('<a class="text-sm hover:underline" href="$href">$label</a>'),
        "",
    ),
    "minimal": Shell(
        Template(
            """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=$charset">
<title>$title</title>
<meta name="description" content="$description">$head_extra
</head>
<body bgcolor="#ffffff" link="$accent">
<div id="wrap">
<p class="topnav"><b>$name</b> &mdash; $nav</p>
<hr>
$content
<hr>
<div id="footer">
$footer
</div>
</div>
</body>
</html>
"""
        ),
        Template('<a href="$href">$label</a>'),
        " | ",
    ),
    "bootstrap": Shell(
        Template(
            """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="$charset">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>$title</title>
  <meta name="description" content="$description">$head_extra
  <style>.navbar{border-bottom:3px solid $accent}</style>
</head>
<body>
  <nav class="navbar navbar-expand-lg navbar-light bg-light">
    <div class="container">
      <a class="navbar-brand" href="/">$name</a>
      <ul class="navbar-nav ms-auto">
$nav
      </ul>
    </div>
  </nav>
  <div class="container py-5">
$content
  </div>
  <footer class="footer bg-dark text-light py-4">
    <div class="container">
$footer
    </div>
  </footer>
</body>
</html>
"""
        ),
        Template('        <li class="nav-item"><a class="nav-link" href="$href">$label</a></li>'),
    ),
}

ACCENTS: tuple[str, ...] = (
    "#3b5bdb", "#0b7285", "#2b8a3e", "#c2255c", "#5f3dc4", "#e8590c", "#1c7ed6", "#343a40",
)  # fmt: skip


@dataclass(frozen=True)
class TeamLayout:
    """How a team page lists people: a wrapper around one fragment per person."""

    wrapper: Template
    item: Template


# Placeholders of ``item``: $person_attrs (microdata scope), $name_attrs, $title_attrs,
# $name, $title, $photo (img src), $extras (contact links, already rendered).
TEAM_LAYOUTS: dict[str, TeamLayout] = {
    "cards": TeamLayout(
        Template('<div class="team-grid">\n$items\n</div>'),
        Template(
            '<div class="member-card"$person_attrs>\n'
            '  <img src="$photo" alt="Portrait of $name" loading="lazy">\n'
            "  <h3$name_attrs>$name</h3>\n"
            '  <p class="member-role"$title_attrs>$title</p>$extras\n'
            "</div>"
        ),
    ),
    "figures": TeamLayout(
        Template('<section class="people">\n$items\n</section>'),
        Template(
            '<figure class="person"$person_attrs>'
            '<img src="$photo" alt="">'
            "<figcaption><strong$name_attrs>$name</strong><br>"
            "<span$title_attrs>$title</span>$extras</figcaption></figure>"
        ),
    ),
    "list": TeamLayout(
        Template('<ul class="leadership">\n$items\n</ul>'),
        Template(
            "<li$person_attrs><b$name_attrs>$name</b> &ndash; <span$title_attrs>$title</span>"
            "$extras</li>"
        ),
    ),
    "table": TeamLayout(
        Template(
            '<table class="team">\n<thead><tr><th>Name</th><th>Role</th><th>Contact</th>'
            "</tr></thead>\n<tbody>\n$items\n</tbody>\n</table>"
        ),
        Template(
            "<tr$person_attrs><td$name_attrs>$name</td><td$title_attrs>$title</td>"
            "<td>$extras</td></tr>"
        ),
    ),
    "definitions": TeamLayout(
        Template('<dl class="staff">\n$items\n</dl>'),
        Template(
            '<div class="staff-entry"$person_attrs><dt$name_attrs>$name</dt>'
            "<dd$title_attrs>$title</dd><dd>$extras</dd></div>"
        ),
    ),
    "prose": TeamLayout(
        Template('<div class="team-prose">\n$items\n</div>'),
        Template("<p$person_attrs>$sentence$extras</p>"),
    ),
}

# Prose layout sentences: $name and $title are already wrapped for microdata.
PROSE_SENTENCES: tuple[Template, ...] = (
    Template("$name leads $area as our $title."),
    Template("$name is our $title."),
    Template("Our $title, $name, joined in $year."),
    Template("$name ($title) joined the team in $year."),
    Template("As $title, $name looks after $area."),
)
FOUNDER_SENTENCES: tuple[Template, ...] = (
    Template("$name co-founded $company in $year and is our $title."),
    Template("$name started $company in $year; today, $title."),
)

TEAM_HEADINGS: tuple[str, ...] = (
    "Meet the team",
    "Our team",
    "Leadership",
    "The people behind {name}",
    "Who we are",
)
TEAM_INTROS: tuple[str, ...] = (
    "We're a small group of builders who care about {offering}.",
    "{name} is run by people who have spent years in {industry}.",
    "Say hello to the team building {name}.",
    "",
)


@dataclass(frozen=True)
class Phrase:
    """A sentence template and the facts it states (for ``published_facts``)."""

    text: str
    facts: tuple[str, ...]


HEADCOUNT_PHRASES: tuple[Phrase, ...] = (
    Phrase("We are {employees} people, {engineers} of them engineers.", ("employees", "engineers")),
    Phrase("Team size: {employees}", ("employees",)),
    Phrase("{employees} employees", ("employees",)),
    Phrase(
        "Today we're a team of {employees}, including {engineers} engineers.",
        ("employees", "engineers"),
    ),
    Phrase("Headcount: {employees} ({engineers} in engineering)", ("employees", "engineers")),
    Phrase("{employees} people work at {name} today.", ("employees",)),
)
ENGINEERS_PHRASES: tuple[str, ...] = (
    "Join our {engineers}-person engineering team.",
    "Our engineering team is {engineers} strong.",
    "We have {engineers} engineers today, and we're growing.",
    "{engineers} engineers build {name} today.",
)
HQ_PHRASES: tuple[str, ...] = (
    "Headquartered in {city}, {country}.",
    "Based in {city}.",
    "HQ: {city}, {country_short}",
    "Our headquarters are in {city}, {country}.",
    "{name} is a {city}-based company.",
)
FOUNDED_PHRASES: tuple[str, ...] = (
    "Founded in {year}.",
    "Since {year}.",
    "Est. {year}",
    "We started {name} in {year}.",
)
FOUNDERS_PHRASES: tuple[str, ...] = (
    "{name} was founded by {founders}.",
    "Our founders, {founders}, started the company to fix {offering}.",
    "Founded by {founders}.",
)
FUNDING_PHRASES: tuple[Phrase, ...] = (
    Phrase(
        "In {month} {funded_year} we raised {article} {amount} {stage} led by {lead}.",
        ("stage", "funding_amount"),
    ),
    Phrase("{stage_cap} ({amount}) led by {lead}.", ("stage", "funding_amount")),
    Phrase(
        "We closed our {amount} {stage} in {funded_year}, led by {lead} with {others}.",
        ("stage", "funding_amount"),
    ),
    Phrase("We are backed by {investors}.", ()),
)
PUBLIC_PHRASES: tuple[Phrase, ...] = (
    Phrase(
        "We went public in {funded_year}, raising {amount} in our IPO.", ("stage", "funding_amount")
    ),
    Phrase("{name} has been a listed company since {funded_year}.", ("stage",)),
)
MISSIONS: tuple[str, ...] = (
    "Our mission is to make {offering} effortless for {customers}.",
    "We believe {customers} deserve better {offering}.",
    "We started because {offering} was still stuck in spreadsheets.",
    "Every week, thousands of {customers} rely on {product}.",
)
TAGLINES: tuple[str, ...] = (
    "{offering_cap} for {customers}",
    "The {offering} platform {customers} love",
    "{offering_cap}, without the busywork",
    "Modern {offering} for {customers}",
    "{offering_cap} that just works",
)
DESCRIPTIONS: tuple[str, ...] = (
    "{name} builds {product} that helps {customers} with {offering}.",
    "{name} is the {industry} company behind {product} for {customers}.",
    "{name} gives {customers} {product} for {offering}.",
)

OBFUSCATIONS: dict[str, str] = {
    "brackets": "{local} [at] {domain_name} [dot] {tld}",
    "parens": "{local}(at){domain}",
    "words": "{local} at {domain_name} dot {tld}",
    "spaced": "{local} @ {domain_name} . {tld}",
}

CAREERS_HEADINGS: tuple[str, ...] = ("Careers", "Join us", "Open positions", "Work at {name}")
CAREERS_INTROS: tuple[str, ...] = (
    "We're hiring people who want to shape {offering}.",
    "Help {customers} get {offering} right.",
    "Come build {product} with us.",
)
STACK_PHRASES: tuple[str, ...] = (
    "Our stack: {stack}.",
    "We work with {stack}.",
    "Tech we use every day: {stack}.",
)
NO_OPENINGS: tuple[str, ...] = (
    "No open positions right now, but we always like to hear from great people.",
    "We're not hiring at the moment. Check back soon!",
)
JOB_LOCATIONS: tuple[str, ...] = (
    "{city}",
    "Remote ({region})",
    "{city} or remote",
    "Hybrid, {city}",
)
JOB_BLURBS: tuple[str, ...] = (
    "You'll join a small team that owns {product} end to end.",
    "You'll help {customers} get more out of {offering}.",
    "This role is central to how we scale {product}.",
)

# Blog and press posts. Titles and bodies are ``str.format`` templates.
POST_TITLES: dict[str, tuple[str, ...]] = {
    "funding": (
        "We raised {amount} to build the future of {offering}",
        "Announcing our {amount} {stage_cap}",
        "{name} raises {amount} {stage_cap} led by {lead}",
    ),
    "prior_funding": ("{name} raises {amount} {stage_cap}", "Our {stage} is closed"),
    "hire": ("Welcome {person}, our new {title}", "{person} joins {name} as {title}"),
    "former_hire": ("{person} joins {name} as {title}", "Welcoming {person} as our {title}"),
    "departure": ("Thank you, {person}", "{person}, our former {title}, has left {name}"),
    "milestone": ("We're now {old} people!", "{old} people and counting"),
    "engineering": (
        "How we run {tech} in production",
        "Why we moved to {tech}",
        "Lessons from scaling {tech} at {name}",
    ),
    "product": ("Introducing {product_cap}", "What's new at {name} this {season}"),
}
POST_BODIES: dict[str, tuple[str, ...]] = {
    "funding": (
        "Today we're announcing {article} {amount} {stage} led by {lead}, with participation "
        "from {others}. The money will help us bring {offering} to more {customers}.",
        "{name} has raised {amount} in its {stage}, led by {lead}. "
        "We'll use it to grow the team and double down on {product}.",
    ),
    "prior_funding": (
        "We've raised {amount} ({stage}) from {lead} to get {product} into the hands of "
        "{customers}.",
    ),
    "hire": (
        "We're thrilled to welcome {person} as our {title}. {first} joins us to lead {area}.",
        "{person} has joined {name} as {title}, taking charge of {area}.",
    ),
    "former_hire": (
        "We're thrilled to welcome {person} as our {title}. {first} will lead {area} as we grow.",
    ),
    "departure": (
        "After {years} years, {person}, our former {title}, has left {name} to start a new "
        "chapter. Thank you, {first}!",
        "{person} has stepped down as {title}. We thank {first} for everything.",
    ),
    "milestone": (
        "We just welcomed our {old}th team member! We're now {old} people across {city} and "
        "remote.",
        "With {old} employees, we've come a long way since {founded}.",
    ),
    "engineering": (
        "At {name} we rely on {tech} for {product}. Here is what we learned along the way, "
        "from schema design to on-call.",
        "Moving to {tech} changed how our team ships. This post walks through the migration.",
    ),
    "product": (
        "Today we're launching {product}, built for {customers} who need {offering}.",
        "A round-up of what shipped recently, from small fixes to big features.",
    ),
}
BYLINES: tuple[str, ...] = (
    "By {person}, {title}",
    "{person} · {title}",
    "Posted by {person} ({title})",
)

SEASONS: tuple[str, ...] = ("spring", "summer", "autumn", "winter")
MONTHS: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
DATE_STYLES: tuple[str, ...] = ("long_us", "long_eu", "iso", "dotted", "short")

FOOTER_NOTES: tuple[str, ...] = (
    "© {year} {name}. All rights reserved.",
    "© {name} {year}",
    "Copyright {year} {name}",
)

ROBOTS_VARIANTS: tuple[str, ...] = (
    "User-agent: *\nAllow: /\n",
    "User-agent: *\nDisallow:\n",
    "# robots.txt for {host}\nUser-agent: *\nDisallow: /admin/\nDisallow: /cart\n",
    "User-agent: BadBot\nDisallow: /\n\nUser-agent: *\nAllow: /\n",
)
ROBOTS_PRIVATE: tuple[str, ...] = (
    "User-agent: *\nDisallow: /private/\n",
    "User-agent: *\nAllow: /\nDisallow: /private/\n",
    "# Internal pages are off limits\nUser-agent: *\nDisallow: /private/\nDisallow: /admin/\n",
)

# The page of a JS-only team or careers page: an empty mount point, the data, and a script.
JS_EMBEDDED = Template(
    """<div id="$mount" class="js-mount"></div>
<noscript>Please enable JavaScript to see this page.</noscript>
<script id="$mount-data" type="application/json">$data</script>
<script>
(function () {
  var data = JSON.parse(document.getElementById("$mount-data").textContent);
  $render
  render(data, document.getElementById("$mount"));
})();
</script>"""
)
JS_FETCH = Template(
    """<div id="$mount" class="js-mount"><p class="loading">Loading&hellip;</p></div>
<noscript>Please enable JavaScript to see this page.</noscript>
<script>
(function () {
  $render
  fetch("$source").then(function (r) { return r.json(); }).then(function (data) {
    render(data, document.getElementById("$mount"));
  });
})();
</script>"""
)
JS_TEAM_RENDER = """function render(data, root) {
    root.innerHTML = "";
    data.members.forEach(function (m) {
      var card = document.createElement("div");
      card.className = "member";
      var h = document.createElement("h3");
      h.textContent = m.name;
      card.appendChild(h);
      var p = document.createElement("p");
      p.className = "title";
      p.textContent = m.title;
      card.appendChild(p);
      if (m.email) {
        var a = document.createElement("a");
        a.href = "mailto:" + m.email;
        a.textContent = m.email;
        card.appendChild(a);
      } else if (m.email_text) {
        var s = document.createElement("span");
        s.className = "email";
        s.textContent = m.email_text;
        card.appendChild(s);
      }
      (m.links || []).forEach(function (link) {
        var l = document.createElement("a");
        l.href = link.url;
        l.textContent = link.label;
        card.appendChild(l);
      });
      root.appendChild(card);
    });
  }"""
JS_JOBS_RENDER = """function render(data, root) {
    root.innerHTML = "";
    var intro = document.createElement("p");
    intro.textContent = data.intro;
    root.appendChild(intro);
    var list = document.createElement("ul");
    list.className = "openings";
    data.jobs.forEach(function (j) {
      var li = document.createElement("li");
      var t = document.createElement(j.url ? "a" : "span");
      if (j.url) { t.href = j.url; }
      t.textContent = j.title;
      li.appendChild(t);
      li.appendChild(document.createTextNode(" \\u2014 " + j.location));
      list.appendChild(li);
    });
    root.appendChild(list);
  }"""

# The news site. Headlines and bodies are ``str.format`` templates.
NEWS_HEADLINES: dict[str, tuple[str, ...]] = {
    "funding": (
        "{name} raises {amount} {stage_cap} to scale {offering}",
        "{city}-based {name} lands {amount} in {stage} funding",
        "Exclusive: {name} closes {amount} {stage_cap} led by {lead}",
    ),
    "ipo": ("{name} goes public, raising {amount}", "{name} raises {amount} in its IPO"),
    "hire": ("{name} hires {person} as {title}", "{person} joins {name} as {title}"),
    "departure": ("{title} {person} departs {name}", "{name}'s {title} {person} steps down"),
    "milestone": ("{name} grows team to {old} as demand rises", "{name} now {old} people strong"),
}
NEWS_BODIES: dict[str, tuple[str, ...]] = {
    "funding": (
        "{name}, the {city}-based {industry} startup, has raised {amount} in a {stage} led by "
        "{lead}{with_others}. Founded in {founded}{by_founders}, {name} builds {product} for "
        "{customers}.",
        "{lead} led {article} {amount} {stage} in {name}{with_others}. The {industry} company, "
        "founded in {founded}{by_founders}, sells {product} to {customers}.",
    ),
    "ipo": (
        "{name}, the {city}-based {industry} company founded in {founded}, raised {amount} in "
        "its initial public offering.",
    ),
    "hire": (
        "{name} has appointed {person} as {title}. {first} will lead {area} at the "
        "{city}-based company.",
        "{person} has joined {industry} company {name} as {title}, the company confirmed.",
    ),
    "departure": (
        "{person}, who served as {title} at {name}, has left the company. {name} said a "
        "successor would be announced soon.",
        "{name} confirmed that {title} {person} has stepped down after {years} years.",
    ),
    "milestone": (
        "{name} now employs {old} people and plans to keep hiring in {city}.",
        "The {industry} startup has grown to {old} employees, its CEO told StartupWire.",
    ),
}
REPORTERS: tuple[str, ...] = (
    "Morgan Ellery",
    "Priya Castellano",
    "Tobias Lindqvist",
    "Aiko Brennan",
)
HEADCOUNT_BUCKETS: tuple[tuple[int, int], ...] = (
    (1, 10), (11, 50), (51, 200), (201, 500), (501, 1000), (1001, 5000), (5001, 10000),
)  # fmt: skip
