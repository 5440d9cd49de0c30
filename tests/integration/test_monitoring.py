"""The monitoring figures, each checked against records the test made: requests
per month, working days to answer per OPD over the Idul Fitri holidays of 2025,
overdue requests, what was requested and downloaded, and the DIP completeness
matrix."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from dms.accounts.models import Organisation, User
from dms.errors import Forbidden, NotFound
from dms.monitoring import dashboard
from dms.monitoring.dashboard import (
    REQUIRED_INFO_TYPES,
    monitoring_scope,
    percentile_90,
    required_type_of,
)
from dms.monitoring.downloads import count_download
from dms.monitoring.models import DownloadCount
from dms.requests.models import (
    InformationRequest,
    RequestDisposition,
    RequestDocument,
)
from dms.workdays import working_calendar
from tests.helpers import exempt_upload, upload
from tests.integration.test_registers import publish

JAKARTA = timezone(timedelta(hours=7))
YEAR = 2025


def jakarta(*parts) -> datetime:
    return datetime(*parts, tzinfo=JAKARTA)


def a_request(session, number: int, received: datetime, **fields):
    """A request row as the workflow would have left it."""
    values = {
        "number": f"PPID-{received.year}-{number:06d}",
        "year": received.year,
        "received_at": received,
        "channel": "web",
        "requester_kind": "person",
        "name": "Warga",
        "identity_number": "3600000000000001",
        "address": "Jalan Uji 1",
        "information_requested": "Laporan",
        "purpose": "Penelitian",
        "how_to_obtain": "copy_soft",
        "secret_hash": "0" * 64,
        "due_on": received.date() + timedelta(days=14),
        "state": "submitted",
    }
    values.update(fields)
    request = InformationRequest(**values)
    session.add(request)
    session.flush()
    return request


def dispose(session, request, *slugs):
    for slug in slugs:
        org = session.scalar(select(Organisation).where(Organisation.slug == slug))
        session.add(RequestDisposition(request_id=request.id, organisation_id=org.id))


def answered(day: datetime, **fields) -> dict:
    return {"state": "answered", "answered_at": day, "outcome": "granted", **fields}


@pytest.fixture
def records(client, cast, archive):
    """Documents, eight requests of 2025 (and one of 2024) and download counts."""
    ids = {
        "lra": publish(
            client, cast, "LRA Dinkes 2025", "dinkes", info_type="Laporan keuangan"
        ),
        "profil": publish(
            client, cast, "Profil Dinas Kesehatan", "dinkes", info_type="profil"
        ),
        "peta": publish(client, cast, "Peta Rawan Bencana", "bpbd"),
    }
    with archive.transaction() as session:
        r1 = a_request(
            session, 1, jakarta(2025, 3, 24, 10), **answered(jakarta(2025, 4, 16, 9))
        )
        dispose(session, r1, "dinkes")
        r2 = a_request(
            session, 2, jakarta(2025, 3, 3, 9), **answered(jakarta(2025, 3, 5, 15))
        )
        dispose(session, r2, "dinkes")
        # Received on the Thursday before Idul Fitri: 28 Mar, 31 Mar-7 Apr are
        # holidays or cuti bersama, so 8 April is working day 1.
        r3 = a_request(
            session, 3, jakarta(2025, 3, 27, 13), **answered(jakarta(2025, 4, 8, 8))
        )
        dispose(session, r3, "dinkes", "bpbd")
        # Never disposed: the PPID Utama answered it itself.
        a_request(session, 4, jakarta(2025, 1, 6, 8), **answered(jakarta(2025, 1, 10)))
        late = a_request(
            session,
            5,
            jakarta(2025, 6, 2, 9),
            state="disposed",
            due_on=date(2025, 6, 16),
        )
        dispose(session, late, "bpbd")
        a_request(
            session,
            6,
            jakarta(2025, 6, 3, 9),
            state="extended",
            due_on=date(2025, 6, 16),
            extended_due_on=date(2025, 6, 25),
        )
        # 31 January 18:00 UTC is 1 February in Jakarta.
        a_request(
            session,
            7,
            datetime(2025, 1, 31, 18, tzinfo=UTC),
            state="withdrawn",
            due_on=date(2025, 2, 14),
        )
        a_request(
            session,
            8,
            jakarta(2024, 12, 2, 9),
            state="submitted",
            due_on=date(2024, 12, 16),
        )
        for request, document in ((r1, "lra"), (r2, "lra"), (r3, "profil")):
            session.add(
                RequestDocument(request_id=request.id, document_id=ids[document])
            )
        for document, day, count in (
            ("lra", date(2025, 3, 5), 3),
            ("profil", date(2025, 3, 20), 2),
            ("lra", date(2025, 11, 1), 4),
            ("peta", date(2025, 11, 2), 1),
            ("lra", date(2024, 12, 31), 9),
        ):
            session.add(DownloadCount(document_id=ids[document], day=day, count=count))
    return ids


def build(archive, *, username="utama", org=None, today=date(2025, 6, 20)):
    with archive.reading() as session:
        actor = session.scalar(select(User).where(User.username == username))
        scope = monitoring_scope(session, actor=actor, year=YEAR, org_slug=org)
        board = dashboard.build_dashboard(
            session,
            actor=actor,
            scope=scope,
            calendar=working_calendar(session, archive.settings),
            today=today,
            zone="Asia/Jakarta",
        )
        names = {
            "overdue": [r.number for r in board.overdue],
            "stale": [d.title for d in board.stale],
            "matrix": {
                row.organisation.slug: row.filled for row in board.completeness.rows
            },
        }
        return board, names


def test_requests_are_counted_in_the_local_month_they_were_received(archive, records):
    board, _ = build(archive)

    assert board.requests_per_month == [1, 1, 3, 0, 0, 2, 0, 0, 0, 0, 0, 0]
    assert board.requests_total == 7  # the 2024 request is not in 2025


def test_response_time_per_opd_is_in_working_days_over_the_holidays(archive, records):
    board, _ = build(archive)
    rows = {row.name: row for row in board.response_times}

    assert rows["Dinas Kesehatan"].days == (2, 10, 1)
    assert rows["Dinas Kesehatan"].average == pytest.approx(13 / 3)
    assert rows["Dinas Kesehatan"].p90 == 10
    assert rows["Badan Penanggulangan Bencana Daerah"].days == (1,)
    assert rows["PPID Utama"].days == (4,)  # never disposed: the Utama's
    assert [row.name for row in board.response_times][0] == "Dinas Kesehatan"


def test_an_opd_is_slow_when_more_than_one_answer_in_ten_took_over_10_days():
    from dms.monitoring.dashboard import ResponseTime

    on_time = ResponseTime(1, "Dinas A", (10,) * 9 + (17,))
    late = ResponseTime(2, "Dinas B", (3,) * 8 + (11, 12))

    assert on_time.p90 == 10 and not on_time.slow
    assert late.p90 == 11 and late.slow
    assert not ResponseTime(3, "Dinas C", (2, 10, 1)).slow


def test_the_90th_percentile_is_the_nearest_rank():
    assert percentile_90([]) is None
    assert percentile_90([5]) == 5
    assert percentile_90(list(range(1, 11))) == 9
    assert percentile_90(list(range(1, 12))) == 10
    assert percentile_90([3, 1, 2]) == 3


def test_overdue_requests_are_open_ones_past_the_deadline_in_force(archive, records):
    _, on_the_day = build(archive, today=date(2025, 6, 16))
    _, after = build(archive, today=date(2025, 6, 20))
    _, later = build(archive, today=date(2025, 6, 26))

    # The 2024 request is late too: overdue requests of every year are listed.
    assert on_the_day["overdue"] == ["PPID-2024-000008"]
    assert after["overdue"] == ["PPID-2024-000008", "PPID-2025-000005"]
    assert later["overdue"] == [
        "PPID-2024-000008",
        "PPID-2025-000005",
        "PPID-2025-000006",
    ]


def test_most_requested_types_and_documents_come_from_the_answers(archive, records):
    board, _ = build(archive)

    assert [(r.label, r.count) for r in board.requested_types] == [
        ("Laporan keuangan", 2),
        ("profil", 1),
    ]
    assert [(r.label, r.count, r.document_id) for r in board.requested_documents] == [
        ("LRA Dinkes 2025", 2, records["lra"]),
        ("Profil Dinas Kesehatan", 1, records["profil"]),
    ]


def test_downloads_are_summed_per_local_month_of_the_year(archive, records):
    board, _ = build(archive)

    assert board.downloads_per_month == [0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 5, 0]
    assert board.downloads_total == 10


def test_the_most_downloaded_are_ranked_by_count(archive, records):
    board, _ = build(archive)

    assert [(r.label, r.count) for r in board.most_downloaded] == [
        ("LRA Dinkes 2025", 7),
        ("Profil Dinas Kesehatan", 2),
        ("Peta Rawan Bencana", 1),
    ]


def test_one_organisation_sees_its_own_requests_and_downloads(archive, records):
    board, names = build(archive, username="dinkes")

    assert board.scope.organisation.slug == "dinkes"
    assert board.requests_per_month == [0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert [row.name for row in board.response_times] == ["Dinas Kesehatan"]
    assert names["overdue"] == []
    assert board.downloads_per_month == [0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 4, 0]
    assert list(names["matrix"]) == ["dinkes"]


def test_the_utama_chooses_an_organisation_and_a_pelaksana_cannot(archive, records):
    board, names = build(archive, org="bpbd")
    assert board.requests_per_month == [0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    assert names["overdue"] == ["PPID-2025-000005"]

    with pytest.raises(Forbidden):
        build(archive, username="dinkes", org="bpbd")
    for username in ("admin", "atasan"):
        with pytest.raises(Forbidden):
            build(archive, username=username)
    with pytest.raises(NotFound):
        build(archive, org="tidak-ada")


# --- the DIP completeness matrix -------------------------------------------------


def test_thirteen_required_types_as_in_the_kota_serang_table():
    assert len(REQUIRED_INFO_TYPES) == 13
    assert len({t.code for t in REQUIRED_INFO_TYPES}) == 13


@pytest.mark.parametrize(
    ("info_type", "title", "expected"),
    [
        ("Struktur Organisasi", "Bagan", "struktur_organisasi"),
        ("", "Struktur Organisasi dan Nama Pejabat Dinkes", "struktur_organisasi"),
        ("", "Jadwal Pelaksanaan Program & Kegiatan 2026", "jadwal_kegiatan"),
        ("", "DPA Dinas Kesehatan 2026", "program_kegiatan"),
        ("", "Rencana Kerja dan Anggaran 2026", "program_kegiatan"),
        ("", "Renja 2021", "renja"),
        ("", "Laporan Realisasi Anggaran Semester I", "realisasi_keuangan"),
        ("", "Laporan Realisasi Kegiatan 2025", "realisasi_kegiatan"),
        ("", "Surat-Menyurat Pimpinan", "surat_pimpinan"),
        ("", "Laporan Akses Informasi Publik 2025", "laporan_akses"),
        ("", "Daftar Aset OPD", "daftar_aset"),
        ("", "Agenda Kerja Pimpinan", "agenda_pimpinan"),
        ("", "Surat Perjanjian dengan Pihak Ketiga", "perjanjian"),
        ("", "Pengumuman Pengadaan Barang/Jasa", "pengadaan"),
        ("", "Riwayat Singkat Profil Pegawai", "profil_pegawai"),
        ("renja", "Daftar Aset", "renja"),  # info_type first
        ("", "Peta Rawan Bencana", None),
        ("", "Rasetnya", None),  # whole words only
    ],
)
def test_a_document_is_recognised_by_its_type_then_its_title(
    info_type, title, expected
):
    assert required_type_of(info_type, title) == expected


def test_a_cell_is_filled_only_by_a_published_non_exempt_document(
    client, cast, archive
):
    publish(client, cast, "Struktur Organisasi Dinas Kesehatan", "dinkes")
    publish(client, cast, "Rencana 2026", "dinkes", info_type="Renja")
    publish(client, cast, "Jadwal Pelaksanaan Program & Kegiatan 2026", "dinkes")
    publish(client, cast, "Laporan Realisasi Anggaran 2025", "bpbd")
    exempt_upload(client, cast, "bpbd", title="Daftar Aset BPBD")
    upload(client, cast, "bpbd", title="Agenda Pimpinan BPBD", publish="false")

    board, names = build(archive)
    codes = [t.code for t in REQUIRED_INFO_TYPES]

    def filled(slug):
        cells = zip(codes, names["matrix"][slug], strict=True)
        return {code for code, cell in cells if cell}

    assert filled("dinkes") == {"struktur_organisasi", "renja", "jadwal_kegiatan"}
    assert filled("bpbd") == {"realisasi_keuangan"}
    assert filled("ppid-utama") == set()
    rows = {row.organisation.slug: row.count for row in board.completeness.rows}
    assert rows == {"dinkes": 3, "bpbd": 1, "ppid-utama": 0}
    per_type = dict(zip(codes, board.completeness.per_type, strict=True))
    assert per_type["struktur_organisasi"] == 1 and per_type["daftar_aset"] == 0
    assert per_type["program_kegiatan"] == 0  # the schedule is not the DPA


# --- counting downloads ----------------------------------------------------------


def test_counting_adds_to_the_day_row_in_the_database(archive, records):
    for _ in range(3):
        with archive.transaction() as session:
            count_download(session, document_id=records["peta"], day=date(2025, 11, 2))
    with archive.transaction() as session:
        count_download(session, document_id=records["peta"], day=date(2025, 11, 3))

    with archive.reading() as session:
        rows = session.execute(
            select(DownloadCount.day, DownloadCount.count)
            .where(DownloadCount.document_id == records["peta"])
            .order_by(DownloadCount.day)
        ).all()
    assert rows == [(date(2025, 11, 2), 4), (date(2025, 11, 3), 1)]


def test_simultaneous_downloads_are_all_counted(archive, records):
    day = date(2025, 12, 1)

    def download_ten_times():
        for _ in range(10):
            with archive.transaction() as session:
                count_download(session, document_id=records["peta"], day=day)

    threads = [threading.Thread(target=download_ten_times) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    with archive.reading() as session:
        total = session.scalar(
            select(DownloadCount.count).where(
                DownloadCount.document_id == records["peta"], DownloadCount.day == day
            )
        )
    assert total == 60
