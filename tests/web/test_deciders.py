"""Deciders see what they decide (issue 13 §3): the atasan PPID reads the whole
lembar, the document under test (audited) and a draft of the penetapan before
approving; the penetapan is dated on the local day of approval and signed with
the approver's name, NIP and position; the body is named once."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from pdfminer.high_level import extract_text
from sqlalchemy import select

from dms.accounts import service as accounts
from dms.accounts.models import User
from dms.accounts.roles import SYSTEM
from dms.audit import AuditEvent
from dms.output.dates import indonesian_date
from tests.helpers import a_pdf, upload
from tests.web.test_auth_pages import csrf_token, log_in
from tests.web.test_exemption_workflow import a_record as workflow_record
from tests.web.test_exemption_workflow import decide, propose

NIP = "197001011990031001"
POSITION = "Sekretaris Daerah Provinsi Nusa Mandiri"
SECRET = "Rekam medis pasien Budi Santoso"


def text_of(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf"
    return " ".join(extract_text(io.BytesIO(response.data)).split())


def a_record(archive, **changes) -> dict:
    """The exemption workflow's complete lembar (dated today in the archive)."""
    return workflow_record(**changes)


@pytest.fixture
def atasan_official(archive, cast):
    with archive.transaction() as session:
        accounts.set_official(
            session, actor=SYSTEM, username="atasan", nip=NIP, position=POSITION
        )


@pytest.fixture
def recorded(archive, client, cast, atasan_official) -> int:
    """A recorded test of a Dinkes document, waiting for the atasan PPID."""
    document_id = upload(
        client,
        cast,
        "dinkes",
        title="Laporan Investigasi KLB Diare",
        category="setiap_saat",
        content=a_pdf(SECRET),
    ).get_json()["id"]
    test_id = propose(client, cast, document_id).get_json()["id"]
    response = client.put(
        f"/api/v1/consequence-tests/{test_id}/record",
        json=a_record(archive),
        headers=cast.auth("utama"),
    )
    assert response.status_code == 200, response.get_json()
    return test_id


def logged_in(app, username: str):
    browser = app.test_client()
    assert log_in(browser, username).status_code == 302
    return browser


# --- the atasan's page -------------------------------------------------------------


def test_the_atasan_sees_every_field_of_the_lembar_before_approving(app, recorded):
    page = logged_in(app, "atasan").get(f"/ruang-kerja/uji/{recorded}")
    html = page.get_data(as_text=True)

    assert page.status_code == 200
    for expected in (
        "Isi lembar pengujian konsekuensi",
        "h. mengungkap rahasia pribadi",
        "angka/butir 2",
        "UU 14/2008 Pasal 17 huruf h angka 2",
        "UU 17/2023 tentang Kesehatan Pasal 4",
        "Nama dan riwayat penyakit pasien dalam lampiran 3",
        "Laporan investigasi KLB 2026, lampiran 3",
        "Rahasia pribadi pasien terungkap.",
        "Ringkasan KLB tetap diumumkan tanpa data pribadi.",
        "Dikecualikan seluruhnya",
        "selama 5 tahun",
        "<li>Kepala Diskominfo (PPID Utama)</li>",
        "<li>Kepala Dinkes</li>",
        "Serang",
        f"/ruang-kerja/uji/{recorded}/dokumen",
        f"/ruang-kerja/uji/{recorded}/draf-penetapan.pdf",
        "Setujui",
    ):
        assert expected in html, expected


def test_opening_the_document_from_the_test_is_audited(app, archive, recorded):
    atasan = logged_in(app, "atasan")

    response = atasan.get(f"/ruang-kerja/uji/{recorded}/dokumen")

    assert response.status_code == 200
    assert SECRET in extract_text(io.BytesIO(response.data))
    with archive.reading() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "test.read_document")
        ).all()
        assert [event.actor_username for event in events] == ["atasan"]


def test_those_who_do_not_see_the_test_cannot_open_its_document(app, recorded):
    assert (
        logged_in(app, "bpbd").get(f"/ruang-kerja/uji/{recorded}/dokumen").status_code
        == 404
    )


# --- the draft and the penetapan ---------------------------------------------------


def test_the_draft_penetapan_is_marked_dated_today_and_names_the_official(
    app, archive, recorded
):
    today = indonesian_date(archive.settings.local_today())

    text = text_of(
        logged_in(app, "atasan").get(f"/ruang-kerja/uji/{recorded}/draf-penetapan.pdf")
    )

    assert "DRAFT" in text
    assert f"pada tanggal {today}" in text
    assert NIP in text and POSITION in text
    assert "PENETAPAN PPID UTAMA" in text and "PPID PPID" not in text
    assert "Pasal 17 huruf h angka 2" in text


def test_there_is_no_draft_for_a_pelaksana_nor_after_the_decision(
    app, client, cast, recorded
):
    path = f"/ruang-kerja/uji/{recorded}/draf-penetapan.pdf"
    assert logged_in(app, "dinkes").get(path).status_code == 403
    decide(client, cast, recorded, "approve")
    assert logged_in(app, "atasan").get(path).status_code == 409


def test_the_penetapan_is_dated_on_the_local_approval_day_and_signed(
    app, archive, client, cast, recorded
):
    assert decide(client, cast, recorded, "approve").status_code == 200
    with archive.reading() as session:
        from dms.documents.consequence_tests import ConsequenceTest

        decided_at = session.get(ConsequenceTest, recorded).decided_at
    local = decided_at.astimezone(ZoneInfo(archive.settings.timezone)).date()

    for response in (
        client.get(
            f"/api/v1/consequence-tests/{recorded}/penetapan.pdf",
            headers=cast.auth("utama"),
        ),
        logged_in(app, "atasan").get(f"/ruang-kerja/uji/{recorded}/penetapan.pdf"),
    ):
        text = text_of(response)
        assert f"pada tanggal {indonesian_date(local)}" in text
        assert NIP in text and POSITION in text and "DRAFT" not in text
        assert "PPID PPID" not in text


def test_an_approval_in_the_utc_evening_is_dated_the_next_local_day():
    """18:30 UTC is 01:30 WIB the next day: the penetapan says the WIB day."""
    from dms.accounts.models import Organisation
    from dms.classification.penetapan import penetapan_pdf
    from dms.documents.consequence_tests import ConsequenceTest
    from dms.documents.models import Document

    body = Organisation(name="PPID Utama Provinsi Banten", slug="utama")
    test = ConsequenceTest(
        state="approved",
        number="UK-2026-0007",
        test_date=datetime(2026, 2, 27).date(),
        place="Serang",
        decision="exempt_whole",
        ground_letter="h",
        ground_subitem="2",
        other_statute="",
        specific_information="Rekam medis",
        source_documents="Lampiran 3",
        consequence_if_opened="Terungkap",
        consequence_if_closed="Ringkasan tetap terbuka",
        period_kind="indefinite",
        period_value="",
        participants=["Kepala Dinkes"],
        decided_at=datetime(2026, 2, 28, 18, 30, tzinfo=UTC),
        decided_by=User(
            username="sekda", display_name="Sekda", nip=NIP, position=POSITION
        ),
        subject_title="Laporan",
        subject_unit="Dinas Kesehatan",
        subject_body=body.name,
        document=Document(title="Laporan", organisation=body),
    )

    text = " ".join(extract_text(penetapan_pdf(test, timezone="Asia/Jakarta")).split())

    assert "pada tanggal 1 Maret 2026" in text
    assert "PENETAPAN PPID UTAMA PROVINSI BANTEN" in text
    assert NIP in text


# --- the official's NIP and position -------------------------------------------------


def test_the_admin_sets_an_officials_nip_and_position(app, archive, cast):
    admin = logged_in(app, "admin")
    response = admin.post(
        "/admin/pengguna/pejabat",
        data={
            "csrf_token": csrf_token(admin, "/admin/pengguna"),
            "username": "atasan",
            "nip": "19700101 199003 1 001",
            "position": POSITION,
        },
    )
    assert response.status_code == 302
    page = admin.get("/admin/pengguna").get_data(as_text=True)
    assert NIP in page and POSITION in page


def test_a_bad_nip_is_refused_and_nothing_changes(app, archive, cast):
    admin = logged_in(app, "admin")
    response = admin.post(
        "/admin/pengguna/pejabat",
        data={
            "csrf_token": csrf_token(admin, "/admin/pengguna"),
            "username": "atasan",
            "nip": "12345",
            "position": POSITION,
        },
    )
    assert response.status_code == 422
    assert "NIP terdiri atas 18 angka" in response.get_data(as_text=True)
    with archive.reading() as session:
        user = session.scalar(select(User).where(User.username == "atasan"))
        assert (user.nip, user.position) == ("", "")


def test_only_the_admin_sets_official_data(app, cast):
    atasan = logged_in(app, "atasan")
    response = atasan.post(
        "/admin/pengguna/pejabat",
        data={"csrf_token": csrf_token(atasan, "/ruang-kerja"), "username": "atasan"},
    )
    assert response.status_code in (403, 404)


# --- the body, named once ------------------------------------------------------------


def test_the_receipt_and_the_notice_name_the_ppid_once(client, cast, archive):
    from tests.web.test_request_workflow import file_now

    number, secret = file_now(archive)
    answered = client.post(
        f"/api/v1/requests/{number}/answer",
        json={"outcome": "not_documented", "answer_text": "Belum didokumentasikan."},
        headers=cast.auth("utama"),
    )
    assert answered.status_code == 200, answered.get_json()

    for path in ("bukti.pdf", "pemberitahuan.pdf"):
        text = text_of(client.get(f"/permohonan/{number}/{path}?kunci={secret}"))
        assert text.startswith("PPID UTAMA"), text[:80]
        assert "PPID PPID" not in text


@pytest.mark.parametrize(
    ("body", "title"),
    [
        ("PPID Utama", "PPID Utama"),
        (
            "PPID Utama Provinsi Banten (Diskominfo)",
            "PPID Utama Provinsi Banten (Diskominfo)",
        ),
        ("Pemerintah Kota Serang", "PPID Pemerintah Kota Serang"),
        ("ppid kabupaten lebak", "ppid kabupaten lebak"),
        ("Dinas Appidiana", "PPID Dinas Appidiana"),
    ],
)
def test_the_ppid_title_names_the_body_once(body, title):
    assert accounts.ppid_title(body) == title
