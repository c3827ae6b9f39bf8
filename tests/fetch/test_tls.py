"""Outbound HTTPS trusts the default store plus the deployment's extra CAs
(LEADEX_FETCH_CA_FILE): a site whose certificate only such a CA signed is fetched, attached and
rendered with the setting, and refused with a certificate error without it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import trustme

from activities.attachments import AttachmentActivities
from core.config import Settings
from research.fetch import Fetcher, FetchError
from research.planner.types import Attachment
from tests.support.files import serve_files
from tests.support.tls import server_tls, write_ca
from workers.research import guard_factory, renderer_factory
from workflows.planning import AttachmentsRequest

HOST = "ops.example.com"
SEEDS = b"company,domain\nAcme,acme.example\nBeta,beta.example\n"
CTO = "Ada Quillfeather"
# A page whose text only its script brings, from a second HTTPS request.
TEAM_PAGE = (
    b"<html><body><h1 id='cto'>loading</h1><script>"
    b"fetch('/team.json').then((r) => r.json())"
    b".then((team) => { document.getElementById('cto').textContent = team.cto; });"
    b"</script></body></html>"
)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    """A CA no trust store knows."""
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Its certificate, as a deployment would hand it over."""
    return write_ca(ca, tmp_path_factory.mktemp("tls") / "extra-ca.pem")


@pytest.fixture(scope="module")
def port(ca: trustme.CA) -> Iterator[int]:
    """An HTTPS server on loopback with a certificate for ops.example.com from that CA."""
    files = {
        "/seeds.csv": (SEEDS, "text/csv"),
        "/team.html": (TEAM_PAGE, "text/html"),
        "/team.json": (json.dumps({"cto": CTO}).encode(), "application/json"),
    }
    with serve_files(files, tls=server_tls(ca, HOST)) as base:
        yield int(urlsplit(base).port or 0)


def settings(port: int, ca_file: Path | None) -> Settings:
    """A deployment that maps ops.example.com to the server, with or without the extra CA."""
    return Settings(
        fetch_host_rules=f"MAP {HOST} 127.0.0.1:{port}",
        fetch_allow_networks=["127.0.0.0/8"],
        fetch_ca_file=ca_file,
    )


async def test_the_extra_ca_makes_a_mapped_https_host_fetchable(port: int, ca_file: Path) -> None:
    guard = guard_factory(settings(port, ca_file))()
    async with Fetcher(guard) as fetcher:  # robots.txt is read over the same HTTPS
        page = await fetcher.fetch(f"https://{HOST}/seeds.csv")
    assert page.status == 200
    assert page.final_url == f"https://{HOST}/seeds.csv"
    assert page.text.encode() == SEEDS


async def test_without_it_the_certificate_is_refused_with_a_clear_error(port: int) -> None:
    guard = guard_factory(settings(port, None))()
    async with Fetcher(guard, respect_robots=False) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.fetch(f"https://{HOST}/seeds.csv")
    assert caught.value.reason == "certificate"
    assert caught.value.detail.startswith("certificate verify failed: "), caught.value.detail
    assert "local issuer" in caught.value.detail, caught.value.detail


async def test_attachments_are_read_with_the_extra_ca_and_refused_plainly_without(
    port: int, ca_file: Path
) -> None:
    request = AttachmentsRequest(
        attachments=[Attachment(kind="csv", url=f"https://{HOST}/seeds.csv")]
    )
    trusted = await AttachmentActivities(guard_factory(settings(port, ca_file))).load(request)
    assert trusted.error is None
    assert trusted.seed is not None
    assert trusted.seed.values == ["acme.example", "beta.example"]

    refused = await AttachmentActivities(guard_factory(settings(port, None))).load(request)
    assert refused.seed is None
    assert refused.error is not None
    assert refused.error.startswith(
        f"The attachment https://{HOST}/seeds.csv could not be fetched: "
        "its server's TLS certificate is not trusted (certificate verify failed: "
    ), refused.error


async def test_chromium_renders_a_page_of_the_extra_ca(port: int, ca_file: Path) -> None:
    # Chromium's own requests are answered by the guarded client, which holds the trust:
    # the document and the script's request both come over HTTPS from the extra CA's site.
    async with renderer_factory(settings(port, ca_file))() as renderer:
        page = await renderer.render(f"https://{HOST}/team.html")
    assert page.rendered and page.status == 200
    assert f">{CTO}<" in page.text, page.text
