"""The web app's parts without a browser: prompt underlining, sources, sessions, login links."""

from __future__ import annotations

from pathlib import Path

from web import logins, views
from web.session import SessionCodec, WebSession


def test_the_prompt_is_cut_at_the_words_that_made_criteria() -> None:
    prompt = "Find Series A fintechs in France with 20+ engineers."
    provenance = [
        {"field": "countries", "value": "FR", "span": {"start": 26, "end": 32, "text": "France"}},
        # Offsets from another turn: the words are found in this message instead.
        {
            "field": "stages",
            "value": "series_a",
            "span": {"start": 90, "end": 98, "text": "Series A"},
        },
        {"field": "nowhere", "value": "x", "span": {"start": 0, "end": 4, "text": "absent"}},
    ]
    segments = views.highlighted_prompt(prompt, provenance)
    assert "".join(segment.text for segment in segments) == prompt
    marked = {segment.text: segment.criteria for segment in segments if segment.criteria}
    assert marked == {"France": ["countries = FR"], "Series A": ["stages = series_a"]}


def test_a_value_links_only_the_sources_that_state_it() -> None:
    lead = {
        "id": "lead_1",
        "company": {"name": "Acme", "domain": "acme.example"},
        "person": {"full_name": "Ada L", "title": "VP of Engineering", "email": None},
        "confidence": 0.9,
        "sources": [
            {"kind": "web", "url": "https://acme.example/team", "fields": ["person.full_name"]},
            {"kind": "web", "url": "https://acme.example/", "fields": ["company.name"]},
        ],
    }
    row = views.lead_view(lead)
    cells = {cell["heading"]: cell for cell in row["cells"]}
    assert [link["number"] for link in cells["Person"]["sources"]] == [1]
    assert [link["number"] for link in cells["Company"]["sources"]] == [2]
    assert cells["Title"]["sources"] == [] and cells["Email"]["value"] is None
    assert [source["label"] for source in row["sources"]] == ["acme.example/team", "acme.example"]


def test_a_session_cookie_is_sealed_and_tamper_evident() -> None:
    codec = SessionCodec(b"secret-one")
    session = WebSession.anonymous()
    session.key = "sk_test_abc"
    sealed = codec.seal(session)
    assert "sk_test_abc" not in sealed
    opened = codec.open(sealed)
    assert opened is not None and opened.key == "sk_test_abc" and opened.csrf == session.csrf
    assert codec.open(sealed[:-4] + "AAAA") is None
    assert SessionCodec(b"secret-two").open(sealed) is None
    assert codec.open("") is None


def test_a_login_link_works_once_and_not_after_it_expires(tmp_path: Path) -> None:
    token = logins.issue(tmp_path, "sk_test_once")
    stored = next((tmp_path / logins.DIRECTORY).iterdir())
    assert stored.stat().st_mode & 0o777 == 0o600
    assert "sk_test_once" not in stored.name and token not in stored.name
    assert logins.claim(tmp_path, token) == "sk_test_once"
    assert logins.claim(tmp_path, token) is None
    expired = logins.issue(tmp_path, "sk_test_old", lifetime=-1)
    assert logins.claim(tmp_path, expired) is None
    assert logins.claim(tmp_path, "unknown") is None
    assert list((tmp_path / logins.DIRECTORY).iterdir()) == []
