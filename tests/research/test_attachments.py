"""Seed lists and URL lists: decoded safely, with clear errors for files we cannot use."""

from __future__ import annotations

import pytest

from research.attachments import (
    MAX_SEED_ROWS,
    AttachmentError,
    parse_seed_csv,
    parse_url_list,
    seed_urls,
)


def test_domains_column_with_urls_and_duplicates() -> None:
    data = b"Company,Website\nAcme,https://www.acme.com/about\nBeta,beta.io\nAcme again,acme.com\n"
    seed = parse_seed_csv(data, source_url="https://ops.example.com/s.csv")
    assert seed.kind == "domains"
    # Each row as given: a URL keeps its scheme and path, a bare domain stays bare.
    assert seed.values == ["https://www.acme.com/about", "beta.io", "acme.com"]
    assert seed.source_url == "https://ops.example.com/s.csv"


def test_names_when_there_is_no_domain_column() -> None:
    seed = parse_seed_csv(b"name;country\nSpendesk;FR\nQonto;FR\n")
    assert seed.kind == "names"
    assert seed.values == ["Spendesk", "Qonto"]


def test_headerless_single_column_of_domains() -> None:
    assert parse_seed_csv(b"acme.com\nbeta.io\n").values == ["acme.com", "beta.io"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1", "utf-16"])
def test_encodings_are_detected(encoding: str) -> None:
    data = "company,domain\nSociété Générale Tech,sgtech.fr\nZürich AG,zag.ch\n".encode(encoding)
    seed = parse_seed_csv(data)
    assert seed.values == ["sgtech.fr", "zag.ch"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not a text file"),
        (b"colour,size\nred,3\nblue,4\n", "no column of domains or company names"),
        (b"domain,name\n,\n,\n", "empty"),
    ],
)
def test_unusable_files_say_why(data: bytes, message: str) -> None:
    with pytest.raises(AttachmentError, match=message):
        parse_seed_csv(data)


def test_row_cap() -> None:
    rows = "\n".join(f"c{i}.com" for i in range(MAX_SEED_ROWS + 1))
    with pytest.raises(AttachmentError, match="limit is 10,000"):
        parse_seed_csv(f"domain\n{rows}\n".encode())


def test_url_lists() -> None:
    text = b"See https://a.example/team and https://b.example/about.\nhttps://a.example/team\nftp://x\n"
    assert parse_url_list(text) == ["https://a.example/team", "https://b.example/about"]
    with pytest.raises(AttachmentError, match="no http"):
        parse_url_list(b"nothing here")


def test_plain_http_urls_are_kept_as_given() -> None:
    data = b"company,website\nOld Shop,http://oldshop.test/shop/\nNew,HTTPS://New.Test\n"
    assert parse_seed_csv(data).values == ["http://oldshop.test/shop/", "https://new.test/"]


def test_a_bare_domain_tries_https_then_http() -> None:
    assert seed_urls("acme.test") == ["https://acme.test/", "http://acme.test/"]
    assert seed_urls("acme.test/fr") == ["https://acme.test/fr", "http://acme.test/fr"]
    assert seed_urls("http://acme.test/shop") == ["http://acme.test/shop"]
