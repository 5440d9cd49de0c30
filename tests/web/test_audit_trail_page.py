"""/ruang-kerja/jejak-audit: the Utama reads every event, a Pelaksana those of
its own organisation; filters narrow the list, and the CSV is the same list."""

from __future__ import annotations

import csv
import io

from tests.helpers import local_today, upload
from tests.web.test_auth_pages import log_in


def _browser(app, username):
    browser = app.test_client()
    assert log_in(browser, username).status_code == 302
    return browser


def _csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_a_pelaksana_sees_its_own_organisations_events_only(app, client, cast):
    mine = upload(client, cast, "dinkes", title="Dokumen Dinkes").get_json()["id"]
    theirs = upload(client, cast, "bpbd", title="Dokumen BPBD").get_json()["id"]

    rows = _csv(_browser(app, "dinkes").get("/ruang-kerja/jejak-audit.csv"))

    documents = {r["id_objek"] for r in rows if r["objek"] == "document"}
    assert str(mine) in documents
    assert str(theirs) not in documents


def test_the_utama_sees_all_and_filters_by_document_user_action_and_date(
    app, client, cast
):
    first = upload(client, cast, "dinkes").get_json()["id"]
    upload(client, cast, "bpbd")
    browser = _browser(app, "utama")
    today = local_today().isoformat()

    everything = _csv(browser.get("/ruang-kerja/jejak-audit.csv"))
    by_document = _csv(browser.get(f"/ruang-kerja/jejak-audit.csv?dokumen={first}"))
    by_user = _csv(browser.get("/ruang-kerja/jejak-audit.csv?pengguna=bpbd"))
    by_action = _csv(browser.get("/ruang-kerja/jejak-audit.csv?aksi=document.create"))
    today_only = _csv(
        browser.get(f"/ruang-kerja/jejak-audit.csv?dari={today}&sampai={today}")
    )
    before = _csv(browser.get("/ruang-kerja/jejak-audit.csv?sampai=2000-01-01"))

    assert {r["pengguna"] for r in everything} >= {"dinkes", "bpbd"}
    assert {r["id_objek"] for r in by_document} == {str(first)}
    assert {r["pengguna"] for r in by_user} == {"bpbd"}
    assert {r["aksi"] for r in by_action} == {"document.create"}
    assert len(by_action) == 2
    assert len(today_only) == len(everything)
    assert before == []


def test_the_page_lists_events_and_refuses_a_bad_filter(app, client, cast):
    upload(client, cast, "dinkes")
    browser = _browser(app, "utama")

    page = browser.get("/ruang-kerja/jejak-audit")
    bad = browser.get("/ruang-kerja/jejak-audit?dari=kemarin")

    assert page.status_code == 200
    assert "document.create" in page.get_data(as_text=True)
    assert bad.status_code == 422
    assert "YYYY-MM-DD" in bad.get_data(as_text=True)


def test_a_citizen_cannot_open_the_trail(client, cast):
    assert client.get("/ruang-kerja/jejak-audit").status_code in (302, 401)


def _pelaksana_of_the_utamas_office(archive) -> None:
    from dms.accounts import service as accounts
    from tests.conftest import CAST_PASSWORD

    with archive.transaction() as session:
        accounts.add_user(
            session,
            actor=None,
            username="pelaksana-utama",
            role="ppid_pelaksana",
            org_slug="ppid-utama",
            password=CAST_PASSWORD,
            hash_method="pbkdf2:sha256:1",
        )


def test_a_pelaksana_sharing_the_utamas_office_sees_none_of_its_other_work(
    app, client, cast, archive
):
    theirs = upload(client, cast, "bpbd", title="Draf BPBD").get_json()["id"]
    assert (
        client.post(
            f"/api/v1/documents/{theirs}/publish", headers=cast.auth("utama")
        ).status_code
        == 200
    )
    _pelaksana_of_the_utamas_office(archive)

    rows = _csv(_browser(app, "pelaksana-utama").get("/ruang-kerja/jejak-audit.csv"))

    assert str(theirs) not in {r["id_objek"] for r in rows if r["objek"] == "document"}
    assert "utama" not in {r["pengguna"] for r in rows}


def test_the_admin_reads_no_document_events(app, client, cast):
    upload(client, cast, "dinkes", title="Draf yang dikecualikan nanti")

    rows = _csv(_browser(app, "admin").get("/ruang-kerja/jejak-audit.csv"))

    assert "document" not in {r["objek"] for r in rows}
    assert "Draf yang dikecualikan nanti" not in str(rows)
