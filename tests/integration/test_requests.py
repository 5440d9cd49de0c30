"""Requests for information through the services: numbers issued at receipt,
frozen due dates from the working-day calendar, validation that leaves nothing,
Cek Status, withdrawal, and gap-free numbers under concurrent submissions."""

from __future__ import annotations

import io
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import func, select

from dms import workdays as calendar
from dms.accounts.models import User
from dms.audit import AuditEvent
from dms.documents.fsck import check_archive
from dms.errors import (
    FileTooLarge,
    Forbidden,
    InvalidTransition,
    NotFound,
    UnsupportedFileType,
    ValidationError,
)
from dms.requests.models import InformationRequest, RequestFile
from dms.requests.service import (
    NOT_FOUND,
    RequestUpload,
    check_status,
    submit_request,
    withdraw_request,
)
from tests.helpers import a_pdf
from tests.requests_helpers import NIK, a_png, a_request, wib

MONDAY_24_MARCH = wib(2025, 3, 24, 9, 0)  # DOMAIN.md §4: due Wed 16 Apr 2025


def file(archive, *, actor=None, now=MONDAY_24_MARCH, files=(), **changes):
    """File a request in its own transaction; returns (number, due_on, secret)."""
    with archive.transaction() as session:
        if isinstance(actor, str):
            actor = session.scalar(select(User).where(User.username == actor))
        filed = submit_request(
            session,
            archive.storage,
            actor=actor,
            fields=a_request(**changes),
            files=files,
            settings=archive.settings,
            now=now,
        )
        return filed.request.number, filed.request.due_on, filed.secret


def count(archive, model) -> int:
    with archive.reading() as session:
        return session.scalar(select(func.count()).select_from(model))


# --- numbers and due dates -----------------------------------------------------------


def test_domain_example_received_monday_24_march_2025_is_due_wednesday_16_april(
    archive,
):
    number, due, secret = file(archive)

    assert number == "PPID-2025-000001"
    assert due == date(2025, 4, 16)
    assert len(secret) >= 32


def test_numbers_follow_each_other_and_start_again_each_year(archive):
    first = file(archive)[0]
    second = file(archive)[0]
    next_year = file(archive, now=wib(2026, 1, 5, 8, 0))[0]

    assert (first, second, next_year) == (
        "PPID-2025-000001",
        "PPID-2025-000002",
        "PPID-2026-000001",
    )


def test_a_request_filed_on_a_saturday_counts_from_the_next_working_day(archive):
    # Friday 23:30 WIB counts from that Friday; 00:30 WIB Saturday (still Friday
    # in UTC) counts as received on Monday 24 March, like DOMAIN.md's example.
    friday_night = file(archive, now=wib(2025, 3, 21, 23, 30))[1]
    saturday = file(archive, now=wib(2025, 3, 22, 0, 30))[1]

    assert friday_night == date(2025, 4, 15)
    assert saturday == date(2025, 4, 16)


def test_a_request_spanning_idul_fitri_2026_is_due_after_the_holidays(archive):
    # Received Mon 16 Mar 2026; Nyepi (19), its cuti bersama (18), Idul Fitri's
    # cuti bersama (20, 23, 24 Mar) and Good Friday (3 Apr) are days off: the
    # tenth working day is Tue 7 Apr 2026 (31 Mar if cuti bersama were worked).
    number, due, _secret = file(archive, now=wib(2026, 3, 16, 9, 0))

    assert number == "PPID-2026-000001"
    assert due == date(2026, 4, 7)


def test_the_frozen_due_date_survives_a_later_calendar_edit(archive, cast):
    number, due, _secret = file(archive)
    with archive.transaction() as session:
        admin = session.scalar(select(User).where(User.username == "admin"))
        calendar.set_day(
            session,
            actor=admin,
            day=date(2025, 4, 14),
            name="Libur daerah",
            kind="other",
        )

    later = file(archive)[1]

    with archive.reading() as session:
        stored = session.scalar(
            select(InformationRequest.due_on).where(InformationRequest.number == number)
        )
    assert (due, stored, later) == (
        date(2025, 4, 16),
        date(2025, 4, 16),
        date(2025, 4, 17),
    )


# --- validation ----------------------------------------------------------------------

INVALID = [
    ({"name": "  "}, "name", "Nama wajib diisi."),
    ({"identity_number": "12345"}, "identity_number", "NIK harus 16 angka"),
    ({"identity_number": "3604019907900001"}, "identity_number", "NIK harus 16 angka"),
    ({"identity_number": ""}, "identity_number", "Nomor identitas wajib diisi"),
    (
        {"requester_kind": "legal_entity", "identity_number": "AHU#1"},
        "identity_number",
        "Nomor registrasi badan hukum tidak valid",
    ),
    ({"requester_kind": "robot"}, "requester_kind", "Jenis pemohon harus"),
    ({"email": "siti@"}, "email", "Alamat email tidak valid"),
    ({"email": ""}, "email", "Email wajib diisi untuk permohonan daring"),
    ({"phone": "telepon saya"}, "phone", "Nomor telepon tidak valid"),
    ({"address": "x" * 501}, "address", "Alamat paling banyak 500 karakter."),
    ({"information_requested": "data"}, "information_requested", "terlalu singkat"),
    ({"purpose": ""}, "purpose", "Tujuan penggunaan informasi wajib diisi."),
    ({"how_to_obtain": ""}, "how_to_obtain", "Cara memperoleh informasi wajib"),
    ({"delivery": ""}, "delivery", "Cara mendapatkan salinan informasi wajib"),
    (
        {"how_to_obtain": "copy_hard", "delivery": "email"},
        "delivery",
        "Salinan cetak (hardcopy) tidak dapat dikirim melalui email",
    ),
    ({"channel": "walk_in"}, "channel", "saluran lain dicatat oleh petugas"),
    ({"proxy": "true"}, "proxy_letter", "wajib melampirkan surat kuasa"),
    ({"name": ["Siti"]}, "name", "Nama harus berupa teks."),
]


@pytest.mark.parametrize(("changes", "field", "message"), INVALID)
def test_each_invalid_field_is_named_with_a_clear_indonesian_message(
    archive, changes, field, message
):
    with pytest.raises(ValidationError) as refused:
        file(archive, **changes)

    assert refused.value.field == field
    assert message in refused.value.message


def test_a_refused_request_leaves_no_row_no_blob_and_no_number(archive):
    refusals = [
        dict(email="bukan-email"),
        dict(files=[RequestUpload("identity", io.BytesIO(b"teks biasa"), "ktp.txt")]),
        dict(
            files=[
                RequestUpload("identity", io.BytesIO(a_png()), "ktp.png"),
                RequestUpload("proxy_letter", io.BytesIO(b"MZ\x90\x00"), "kuasa.exe"),
            ],
            proxy=True,
        ),
    ]
    for changes in refusals:
        with pytest.raises((ValidationError, UnsupportedFileType)):
            file(archive, **changes)

    assert count(archive, InformationRequest) == 0
    assert count(archive, RequestFile) == 0
    assert list(archive.storage.keys()) == []
    assert file(archive)[0] == "PPID-2025-000001"


def test_a_file_over_the_request_limit_is_refused_next_to_its_field(archive):
    limit = archive.settings.request_max_upload_bytes
    too_big = a_pdf() + b"\x00" * limit

    with pytest.raises(FileTooLarge) as refused:
        file(archive, files=[RequestUpload("identity", io.BytesIO(too_big), "ktp.pdf")])

    assert refused.value.field == "identity"
    assert "10 MB" in refused.value.message
    assert list(archive.storage.keys()) == []


def test_identity_files_are_stored_as_blobs_that_fsck_does_not_call_orphans(archive):
    upload = RequestUpload("identity", io.BytesIO(a_png()), "C:\\Foto\\ktp.png")

    file(archive, files=[upload])

    with archive.reading() as session:
        stored = session.scalars(select(RequestFile)).one()
        seen = (stored.kind, stored.content_type, stored.filename, stored.blob_sha256)
        report = check_archive(session, archive.storage)
    assert seen[:3] == ("identity", "image/png", "ktp.png")
    assert list(archive.storage.keys()) == [seen[3]]
    assert report.orphans == []


def test_the_audit_event_names_the_request_but_keeps_no_personal_data(archive):
    number = file(archive)[0]

    with archive.reading() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "request.submit")
        ).one()
    assert event.after["number"] == number
    assert (event.actor_id, event.actor_username) == (None, "pemohon")
    recorded = str(event.after)
    for personal in (NIK, "Siti", "siti@contoh.id", "081234567890", "Veteran"):
        assert personal not in recorded


def test_officers_record_walk_in_requests_and_other_roles_may_not(archive, cast):
    number = file(
        archive, actor="utama", channel="walk_in", email="", delivery="collect"
    )[0]

    with pytest.raises(Forbidden):
        file(archive, actor="admin", channel="walk_in")
    with archive.reading() as session:
        found = session.scalar(
            select(InformationRequest).where(InformationRequest.number == number)
        )
    assert (found.channel, found.entered_by_id is not None) == ("walk_in", True)


# --- Cek Status and withdrawal -------------------------------------------------------


def test_cek_status_needs_the_number_and_the_email_or_the_secret(archive):
    number, _due, secret = file(archive)
    other_secret = file(archive, email="lain@contoh.id")[2]

    with archive.reading() as session:
        by_email = check_status(session, number=number, email=" SITI@Contoh.ID ")
        by_secret = check_status(session, number=number.lower(), secret=secret)
        assert by_email.id == by_secret.id
        wrong = [
            dict(number=number, email="lain@contoh.id"),
            dict(number=number, secret=other_secret),
            dict(number=number),
            dict(number="PPID-2025-000999", email="siti@contoh.id"),
            dict(number="bukan nomor", secret=secret),
        ]
        for attempt in wrong:
            with pytest.raises(NotFound) as refused:
                check_status(session, **attempt)
            assert refused.value.message == NOT_FOUND


def test_the_requester_withdraws_with_the_secret_once(archive):
    number, _due, secret = file(archive)

    with archive.transaction() as session, pytest.raises(NotFound):
        withdraw_request(session, number=number, secret="salah")
    with archive.transaction() as session:
        assert withdraw_request(session, number=number, secret=secret).state == (
            "withdrawn"
        )
    with archive.transaction() as session, pytest.raises(InvalidTransition):
        withdraw_request(session, number=number, secret=secret)

    with archive.reading() as session:
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id))
        assert list(actions) == ["request.submit", "request.withdraw"]


# --- concurrency ---------------------------------------------------------------------

CONCURRENT = 200


def test_200_concurrent_submissions_get_200_consecutive_numbers(archive, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (DMS_TEST_DATABASE_URL): SQLite has one writer")

    def one(n: int) -> str:
        return file(archive, name=f"Pemohon {n}", now=wib(2026, 2, 2, 10, 0))[0]

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=16) as pool:
        numbers = list(pool.map(one, range(CONCURRENT)))
    elapsed = time.perf_counter() - started

    expected = [f"PPID-2026-{n:06d}" for n in range(1, CONCURRENT + 1)]
    assert sorted(numbers) == expected
    assert count(archive, InformationRequest) == CONCURRENT
    print(f"\n{CONCURRENT} concurrent submissions in {elapsed:.2f} s")
