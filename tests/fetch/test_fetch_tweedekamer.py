"""Tweede Kamer OData: safe query building, nextLink paging, resource download, typed records."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from fetch_server import FIXTURES, LocalServer, SleepRecorder, odata_pages, serve, status

from digibudget.errors import FetchError, UsageError
from digibudget.fetch.tweedekamer import (
    DEFAULT_ODATA_URL,
    document_filter,
    document_query_url,
    extension_for,
    fetch_kamer_documents,
    list_documents,
    odata_string,
    resource_url,
)

ODATA = FIXTURES / "odata"
PAGES = [ODATA / "documents_page1.json", ODATA / "documents_page2.json"]
IDS = ["0f3c1a52-7d4e-4b1a-9c2e-5a8b6d7e9f01", "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
       "9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4"]
FILES = [ODATA / "resource" / f"{IDS[0]}.pdf", ODATA / "resource" / f"{IDS[1]}.docx",
         ODATA / "resource" / f"{IDS[2]}.pdf"]
FILTER_36915 = ("Verwijderd eq false and (Soort eq 'Lijst van vragen en antwoorden' or "
                "Soort eq 'Antwoord schriftelijke vragen') and Kamerstukdossier/any(d: d/Nummer eq 36915)")
BASE_PATH = "/OData/v4/2.0/"


def _serve_api(server: LocalServer, expected_filter: str = FILTER_36915) -> str:
    server.add(BASE_PATH + "Document", default=odata_pages(PAGES, expected_filter=expected_filter))
    for doc_id, file in zip(IDS, FILES, strict=True):
        server.add(f"{BASE_PATH}Document({doc_id})/resource", default=serve(file.read_bytes()))
    return server.url(BASE_PATH)


def test_odata_string_doubles_quotes() -> None:
    assert odata_string("Antwoord schriftelijke vragen") == "'Antwoord schriftelijke vragen'"
    assert odata_string("x' or 1 eq 1 or 'a") == "'x'' or 1 eq 1 or ''a'"


def test_filter_is_built_from_validated_parts() -> None:
    assert document_filter(36915) == FILTER_36915
    assert document_filter("36600", soorten=["O'Brien"], toevoeging="VII") == (
        "Verwijderd eq false and (Soort eq 'O''Brien') and "
        "Kamerstukdossier/any(d: d/Nummer eq 36600 and d/Toevoeging eq 'VII')")
    for bad in ("36915 or true", "", "-1", "0", "3.5", "36915)", "1e5"):
        with pytest.raises(UsageError):
            document_filter(bad)
    with pytest.raises(UsageError):
        document_filter(36915, toevoeging="VII') or (1 eq 1")
    with pytest.raises(UsageError):
        document_filter(36915, soorten=[])


def test_query_url_is_percent_encoded() -> None:
    url = document_query_url(DEFAULT_ODATA_URL, 36915)
    assert url.startswith("https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/Document?$filter=Verwijderd%20eq")
    assert " " not in url and "'" not in url
    assert url.endswith("&$expand=Kamerstukdossier")


def test_resource_url_and_extensions() -> None:
    assert resource_url("http://h/OData/v4/2.0", IDS[0]) == f"http://h/OData/v4/2.0/Document({IDS[0]})/resource"
    with pytest.raises(UsageError):
        resource_url(DEFAULT_ODATA_URL, "../../etc")
    assert extension_for("application/pdf") == ".pdf"
    assert extension_for("application/vnd.openxmlformats-officedocument.wordprocessingml.document") == ".docx"
    assert extension_for("text/xml; charset=utf-8") == ".xml"
    assert extension_for(None) == ".bin" and extension_for("application/x-unknown") == ".bin"


def test_list_follows_next_link_and_types_records(server: LocalServer, no_sleep: SleepRecorder) -> None:
    base = _serve_api(server)
    docs = list_documents(36915, base_url=base, timeout=5, retries=0, sleep=no_sleep)

    assert [d.id for d in docs] == IDS
    first, _, last = docs
    assert first.soort == "Lijst van vragen en antwoorden"
    assert first.datum == date(2024, 10, 28) and first.volgnummer == 12
    assert first.documentnummer == "2024D40001" and first.content_type == "application/pdf"
    assert first.dossiers == ("36915-VII",)
    assert last.volgnummer is None and last.onderwerp is None and last.dossiers == ("36915",)
    pages = server.requests_for(BASE_PATH + "Document")
    assert len(pages) == 2 and pages[1].query == {"$skiptoken": ["page2"]}


def test_fetch_downloads_each_resource(server: LocalServer, tmp_path: Path, no_sleep: SleepRecorder) -> None:
    base = _serve_api(server)
    docs = fetch_kamer_documents("36915", tmp_path, base_url=base, timeout=5, retries=0, sleep=no_sleep)

    assert [d.path.name for d in docs] == [f"{IDS[0]}.pdf", f"{IDS[1]}.docx", f"{IDS[2]}.pdf"]
    for doc, file in zip(docs, FILES, strict=True):
        assert doc.path.read_bytes() == file.read_bytes()
        assert doc.sha256 == hashlib.sha256(file.read_bytes()).hexdigest()
        assert doc.dossier == "36915" and not doc.cached
        assert (tmp_path / (doc.path.name + ".provenance.json")).is_file()
    assert docs[1].soort == "Antwoord schriftelijke vragen"

    again = fetch_kamer_documents("36915", tmp_path, base_url=base, timeout=5, retries=0, sleep=no_sleep)
    assert all(d.cached for d in again)
    assert len(server.requests_for(f"{BASE_PATH}Document({IDS[0]})/resource")) == 1


def test_query_with_toevoeging_is_what_the_server_receives(server: LocalServer, tmp_path: Path,
                                                           no_sleep: SleepRecorder) -> None:
    expected = FILTER_36915.replace("d/Nummer eq 36915)", "d/Nummer eq 36915 and d/Toevoeging eq 'VII')")
    base = _serve_api(server, expected_filter=expected)
    docs = fetch_kamer_documents(36915, tmp_path, base_url=base, toevoeging="VII", timeout=5, retries=0,
                                 sleep=no_sleep)
    assert len(docs) == 3 and docs[0].dossier == "36915-VII"


def test_server_errors_on_the_query_are_retried_then_reported(server: LocalServer,
                                                              no_sleep: SleepRecorder) -> None:
    server.add(BASE_PATH + "Document", status(503), status(429, headers={"Retry-After": "2"}),
               default=odata_pages(PAGES, expected_filter=FILTER_36915))
    docs = list_documents(36915, base_url=server.url(BASE_PATH), timeout=5, retries=3, sleep=no_sleep)
    assert len(docs) == 3 and no_sleep.calls == [1.0, 2.0]


def test_bad_request_is_not_retried(server: LocalServer, no_sleep: SleepRecorder) -> None:
    base = _serve_api(server, expected_filter="something else")
    with pytest.raises(FetchError) as info:
        list_documents(36915, base_url=base, timeout=5, retries=3, sleep=no_sleep)
    assert "HTTP 400" in str(info.value) and "unexpected query" in str(info.value)
    assert len(server.requests_for(BASE_PATH + "Document")) == 1


def test_next_link_to_another_host_is_refused(server: LocalServer, tmp_path: Path,
                                              no_sleep: SleepRecorder) -> None:
    page = tmp_path / "page.json"
    page.write_text('{"value": [], "@odata.nextLink": "http://example.org/steal"}', encoding="utf-8")
    server.add(BASE_PATH + "Document", serve(page.read_bytes(), content_type="application/json"))
    with pytest.raises(FetchError, match="verlaat de API-host"):
        list_documents(36915, base_url=server.url(BASE_PATH), timeout=5, retries=0, sleep=no_sleep)


def test_document_without_guid_id_is_refused(server: LocalServer, tmp_path: Path,
                                             no_sleep: SleepRecorder) -> None:
    page = tmp_path / "page.json"
    page.write_text('{"value": [{"Id": "../../x", "Soort": "Antwoord schriftelijke vragen"}]}', encoding="utf-8")
    server.add(BASE_PATH + "Document", serve(page.read_bytes(), content_type="application/json"))
    with pytest.raises(FetchError, match="geldige Id"):
        fetch_kamer_documents(36915, tmp_path, base_url=server.url(BASE_PATH), timeout=5, retries=0,
                              sleep=no_sleep)
