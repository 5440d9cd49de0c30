"""Demonstration data for `dms demo`: a fictional province's PPID, one user per role,
documents in all four categories. Files are generated here, never copied from the
corpus; names of people are invented. Running it again adds nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

from sqlalchemy import select

from dms.accounts import service as accounts
from dms.accounts.models import Organisation
from dms.accounts.roles import ADMIN, ATASAN_PPID, PPID_PELAKSANA, PPID_UTAMA, SYSTEM
from dms.archive import Archive
from dms.categories import BERKALA, SERTA_MERTA, SETIAP_SAAT
from dms.documents import services
from dms.documents.models import Document

DEMO_PASSWORD = "demo-ppid-2026"

ORGANISATIONS = [
    # slug, name, parent, is_utama
    ("ppid-utama", "PPID Utama Provinsi Nusa Mandiri (Diskominfo)", None, True),
    ("dinkes", "Dinas Kesehatan", "ppid-utama", False),
    ("bpbd", "Badan Penanggulangan Bencana Daerah", "ppid-utama", False),
    ("bpkad", "Badan Pengelolaan Keuangan dan Aset Daerah", "ppid-utama", False),
    ("dindikbud", "Dinas Pendidikan dan Kebudayaan", "ppid-utama", False),
    ("sman1-mandiri", "SMA Negeri 1 Kota Mandiri", "dindikbud", False),
]

USERS = [
    # username, role, org, display name
    ("admin", ADMIN, None, "Administrator Sistem"),
    ("utama", PPID_UTAMA, "ppid-utama", "Rina Kartika (PPID Utama)"),
    ("atasan", ATASAN_PPID, "ppid-utama", "Sekretaris Daerah (Atasan PPID)"),
    ("dinkes", PPID_PELAKSANA, "dinkes", "Budi Santoso (PPID Dinkes)"),
    ("bpbd", PPID_PELAKSANA, "bpbd", "Siti Aminah (PPID BPBD)"),
    ("bpkad", PPID_PELAKSANA, "bpkad", "Agus Wijaya (PPID BPKAD)"),
]

# The atasan PPID signs the penetapan with a NIP and a position (jabatan).
DEMO_OFFICIALS = {
    "atasan": {
        "nip": "197001011990031001",
        "position": "Sekretaris Daerah Provinsi Nusa Mandiri",
    },
}


@dataclass(frozen=True)
class DemoDocument:
    org: str
    title: str
    category: str
    summary: str
    filename: str
    body: list[str]
    info_type: str = ""
    year: int = 2026
    publish: bool | None = True
    kind: str = "pdf"
    # Most are uploaded by the PPID Utama; a Pelaksana's upload shows the approval path.
    uploader: str = "utama"
    # Serta merta: when the event happened (ISO 8601).
    event_at: str | None = None


# A berkala document whose refresh is overdue (published in March, six months).
STALE_TITLE = "Daftar Aset Daerah Tahun 2025"
STALE_SINCE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


DOCUMENTS = [
    DemoDocument(
        "bpkad",
        "Laporan Realisasi Anggaran Semester I Tahun 2026",
        BERKALA,
        "Realisasi pendapatan dan belanja daerah Januari-Juni 2026.",
        "LRA-Semester-I-2026.pdf",
        [
            "Laporan Realisasi Anggaran (LRA) Pemerintah Provinsi Nusa Mandiri",
            "Periode: 1 Januari - 30 Juni 2026",
            "Pendapatan Asli Daerah: Rp 1.245.300.000.000 (48,2% dari target)",
            "Belanja Operasi: Rp 1.102.750.000.000 (41,7% dari anggaran)",
            "Belanja Modal: Rp 212.400.000.000 (23,9% dari anggaran)",
        ],
        info_type="laporan realisasi keuangan",
    ),
    DemoDocument(
        "bpkad",
        "Data Realisasi Belanja per OPD Triwulan II 2026",
        BERKALA,
        "Tabel realisasi belanja setiap OPD.",
        "realisasi-belanja-tw2-2026.csv",
        [],
        info_type="laporan realisasi keuangan",
        kind="csv",
    ),
    DemoDocument(
        "dinkes",
        "Profil Dinas Kesehatan Provinsi Nusa Mandiri",
        BERKALA,
        "Struktur organisasi, tugas, fungsi dan alamat kantor.",
        "profil-dinkes.pdf",
        [
            "Profil Dinas Kesehatan",
            "Alamat: Jl. Merdeka No. 10, Kota Mandiri",
            "Tugas: membantu Gubernur melaksanakan urusan bidang kesehatan.",
            "Struktur: Kepala Dinas, Sekretariat, Bidang Pelayanan Kesehatan,",
            "Bidang Pencegahan dan Pengendalian Penyakit, Bidang SDM Kesehatan.",
        ],
        info_type="struktur organisasi",
    ),
    DemoDocument(
        "bpbd",
        "Peringatan Dini Cuaca Ekstrem dan Potensi Banjir",
        SERTA_MERTA,
        "Potensi banjir di wilayah pesisir utara 20-25 November 2026.",
        "peringatan-dini-banjir-2026-11.pdf",
        [
            "PERINGATAN DINI - INFORMASI SERTA MERTA",
            "Potensi bahaya: hujan lebat dan banjir di Kecamatan Pesisir Utara.",
            "Pihak terdampak: warga bantaran Sungai Cibanten dan pesisir.",
            "Prosedur evakuasi: menuju titik kumpul balai desa terdekat.",
            "Bantuan: Pusdalops BPBD 24 jam, telepon 112.",
        ],
        info_type="peringatan dini",
        event_at="2026-11-19T16:00:00+07:00",
    ),
    DemoDocument(
        "ppid-utama",
        "SOP Pelayanan Permohonan Informasi Publik",
        SETIAP_SAAT,
        "Standar operasional prosedur layanan permohonan informasi publik.",
        "SOP-Pelayanan-Informasi-Publik.pdf",
        [
            "Standar Operasional Prosedur Pelayanan Informasi Publik",
            "Dasar hukum: UU No. 14 Tahun 2008; PP 61/2010; Perki 1/2021.",
            "1. Pemohon mengisi formulir permohonan dan menerima nomor pendaftaran.",
            "2. PPID menjawab paling lambat 10 hari kerja sejak permohonan diterima.",
            "3. Perpanjangan paling lama 7 hari kerja dengan pemberitahuan tertulis.",
        ],
        info_type="sop",
    ),
    DemoDocument(
        "dinkes",
        "Perjanjian Kerja Sama Penyediaan Obat dengan PT Sehat Bersama",
        SETIAP_SAAT,
        "Perjanjian pengadaan obat tahun anggaran 2026.",
        "pks-penyediaan-obat-2026.txt",
        [
            "PERJANJIAN KERJA SAMA Nomor 027/PKS/DINKES/2026",
            "Para pihak: Dinas Kesehatan Provinsi Nusa Mandiri dan PT Sehat Bersama.",
            "Objek: penyediaan obat esensial untuk puskesmas, nilai Rp 4.500.000.000.",
        ],
        info_type="perjanjian pihak ketiga",
        kind="txt",
    ),
    DemoDocument(
        "dinkes",
        "Rekam Medis Pemeriksaan Kesehatan Pegawai 2026",
        SETIAP_SAAT,
        "Hasil pemeriksaan kesehatan berkala pegawai (rahasia pribadi, Ps. 17 h).",
        "rekam-medis-pegawai-2026.pdf",
        [
            "RAHASIA - informasi yang dikecualikan (UU 14/2008 Ps. 17 huruf h)",
            "Hasil pemeriksaan kesehatan pegawai; tidak untuk publik.",
        ],
        info_type="data pribadi",
        publish=False,
    ),
    DemoDocument(
        "bpkad",
        "Laporan Hasil Audit Investigatif Pengadaan Alat Kesehatan 2025",
        SETIAP_SAAT,
        "Hasil audit investigatif Inspektorat atas pengadaan alat kesehatan.",
        "lha-investigatif-alkes-2025.pdf",
        [
            "Laporan Hasil Audit Investigatif Pengadaan Alat Kesehatan 2025",
            "Temuan: selisih harga pengadaan Rp 1.250.000.000.",
            "Saksi: Sdr. Hendra Gunawan, Sdr. Maya Lestari (bahan penyidikan).",
            "Bab 4: kronologi dan bukti yang diserahkan kepada penyidik.",
        ],
        info_type="hasil audit",
        year=2025,
        publish=False,
        uploader="bpkad",
    ),
    DemoDocument(
        "bpkad",
        STALE_TITLE,
        BERKALA,
        "Daftar barang milik daerah per 31 Desember 2025.",
        "daftar-aset-2025.pdf",
        [
            "Daftar Aset Daerah per 31 Desember 2025",
            "Tanah: 1.245 bidang; Gedung dan bangunan: 3.410 unit.",
            "Kendaraan dinas: 1.128 unit.",
        ],
        info_type="daftar aset",
        year=2025,
    ),
    DemoDocument(
        "bpbd",
        "Rencana Kontinjensi Banjir 2026 (draf)",
        SETIAP_SAAT,
        "Draf rencana kontinjensi yang masih disusun.",
        "renkon-banjir-draf.pdf",
        [
            "Rencana Kontinjensi Banjir Provinsi Nusa Mandiri 2026 - DRAF",
        ],
        info_type="program dan kegiatan",
        publish=False,
    ),
    DemoDocument(
        "dinkes",
        "Rencana Kerja (Renja) Dinas Kesehatan 2027",
        BERKALA,
        "Renja menunggu persetujuan PPID Utama.",
        "renja-dinkes-2027.pdf",
        [
            "Rencana Kerja Dinas Kesehatan Tahun 2027",
            "Program prioritas: penurunan stunting, imunisasi dasar lengkap.",
        ],
        info_type="renja",
        year=2027,
        uploader="dinkes",
    ),
]


def load_demo(archive: Archive, echo=print) -> None:
    """Add whatever of the demonstration data is missing."""
    with archive.transaction() as session:
        for slug, name, parent, is_utama in ORGANISATIONS:
            if accounts.find_organisation(session, slug) is None:
                accounts.add_organisation(
                    session,
                    actor=SYSTEM,
                    slug=slug,
                    name=name,
                    parent_slug=parent,
                    is_utama=is_utama,
                )
        for username, role, org, display_name in USERS:
            if accounts.find_user(session, username) is None:
                accounts.add_user(
                    session,
                    actor=SYSTEM,
                    username=username,
                    role=role,
                    org_slug=org,
                    password=DEMO_PASSWORD,
                    hash_method=archive.settings.password_hash,
                    display_name=display_name,
                    email=f"{username}@demo.invalid",
                    **DEMO_OFFICIALS.get(username, {}),
                )
    added = sum(_add_document(archive, doc) for doc in DOCUMENTS)
    _add_second_version(archive)
    _age_berkala_document(archive)
    tests = sum(_add_exemption(archive, exemption) for exemption in EXEMPTIONS)
    requests = _add_requests(archive)
    echo(
        f"demo: {added} document(s), {tests} consequence test(s) and {requests} "
        "request(s) added; "
        f"users {', '.join(u[0] for u in USERS)} with password '{DEMO_PASSWORD}'"
    )


def _add_document(archive: Archive, demo: DemoDocument) -> bool:
    with archive.transaction() as session:
        if _find(session, demo.org, demo.title) is not None:
            return False
        services.create_document(
            session,
            archive.storage,
            actor=accounts.find_user(session, demo.uploader),
            fileobj=io.BytesIO(render(demo)),
            filename=demo.filename,
            fields=services.NewDocument(
                title=demo.title,
                category=demo.category,
                org_slug=demo.org,
                year=demo.year,
                summary=demo.summary,
                info_type=demo.info_type,
                dip={
                    "dip_unit": _org_name(session, demo.org),
                    "dip_responsible": "Kepala " + _org_name(session, demo.org),
                    "dip_production_time": str(demo.year),
                    "dip_production_place": "Kota Mandiri",
                    "dip_form": "print,electronic",
                    "dip_retention": "5 tahun",
                },
                publish=demo.publish,
                event_at=demo.event_at,
            ),
            max_size=archive.settings.max_upload_bytes,
        )
    return True


def _add_second_version(archive: Archive) -> None:
    title = "Profil Dinas Kesehatan Provinsi Nusa Mandiri"
    with archive.transaction() as session:
        document = _find(session, "dinkes", title)
        if document is None or document.current_version > 1:
            return
        demo = next(d for d in DOCUMENTS if d.title == title)
        updated = DemoDocument(
            **{
                **demo.__dict__,
                "body": demo.body
                + ["Pembaruan: Kepala Dinas baru dilantik 3 November 2026."],
            }
        )
        services.add_version(
            session,
            archive.storage,
            actor=accounts.find_user(session, "dinkes"),
            document_id=document.id,
            fileobj=io.BytesIO(render(updated)),
            filename="profil-dinkes-2026-11.pdf",
            note="Pembaruan pejabat",
            max_size=archive.settings.max_upload_bytes,
        )


def _age_berkala_document(archive: Archive) -> None:
    """Date the stale example's only version back to March, as if it had been
    uploaded then and never refreshed."""
    with archive.transaction() as session:
        document = _find(session, "bpkad", STALE_TITLE)
        if document is None or document.published_at == STALE_SINCE:
            return
        document.created_at = document.published_at = STALE_SINCE
        for version in document.versions:
            version.created_at = STALE_SINCE


@dataclass(frozen=True)
class DemoExemption:
    """A consequence test run through the real workflow: proposed by the
    document's Pelaksana, recorded by the PPID Utama, approved by the atasan."""

    org: str
    title: str
    reason: str
    record: dict
    redacted_lines: tuple[str, ...] = ()


EXEMPTIONS = [
    DemoExemption(
        "dinkes",
        "Rekam Medis Pemeriksaan Kesehatan Pegawai 2026",
        "Memuat riwayat kesehatan pegawai (rahasia pribadi).",
        {
            "test_date": "2026-11-16",
            "place": "Kota Mandiri",
            "specific_information": "Hasil pemeriksaan kesehatan setiap pegawai",
            "source_documents": "Rekam medis pemeriksaan kesehatan pegawai 2026",
            "ground_letter": "h",
            "ground_subitem": "2",
            "other_statute": "UU 17/2023 tentang Kesehatan",
            "consequence_if_opened": "Riwayat kesehatan pegawai terungkap dan "
            "dapat disalahgunakan.",
            "consequence_if_closed": "Tidak ada kepentingan publik yang dirugikan; "
            "ringkasan statistik tetap diumumkan.",
            "decision": "exempt_whole",
            "period": {"kind": "indefinite"},
            "participants": [
                "Kepala Diskominfo selaku PPID Utama",
                "Kepala Dinas Kesehatan",
                "Kepala Biro Hukum",
            ],
        },
    ),
    DemoExemption(
        "bpkad",
        "Laporan Hasil Audit Investigatif Pengadaan Alat Kesehatan 2025",
        "Memuat nama saksi dan bahan penyidikan yang masih berjalan.",
        {
            "test_date": "2026-11-17",
            "place": "Kota Mandiri",
            "specific_information": "Nama saksi dan bab 4 (bahan penyidikan)",
            "source_documents": "LHA investigatif Inspektorat No. 700/45/2025",
            "ground_letter": "a",
            "ground_subitem": "1",
            "other_statute": "",
            "consequence_if_opened": "Menghambat proses penyidikan yang berjalan.",
            "consequence_if_closed": "Temuan dan rekomendasi tetap diumumkan "
            "dalam versi publik.",
            "decision": "exempt_part",
            "period": {"kind": "duration", "value": "P2Y"},
            "participants": [
                "Kepala Diskominfo selaku PPID Utama",
                "Inspektur Provinsi",
            ],
        },
        (
            "Laporan Hasil Audit Investigatif Pengadaan Alat Kesehatan 2025",
            "VERSI PUBLIK - bagian yang dikecualikan telah dihitamkan.",
            "Temuan: selisih harga pengadaan Rp 1.250.000.000.",
            "Rekomendasi: pengembalian kelebihan bayar ke kas daerah.",
            "Nama saksi dan Bab 4: [DIHITAMKAN - Pasal 17 huruf a angka 1]",
        ),
    ),
]


def _add_exemption(archive: Archive, demo: DemoExemption) -> bool:
    from dms.classification import exemptions

    today = archive.settings.local_today()
    with archive.transaction() as session:
        document = _find(session, demo.org, demo.title)
        if document is None or exemptions.list_tests(
            session, actor=SYSTEM, document_id=document.id
        ):
            return False
        user = partial(accounts.find_user, session)
        test = exemptions.propose(
            session, actor=user(demo.org), document_id=document.id, reason=demo.reason
        )
        exemptions.record(
            session,
            actor=user("utama"),
            test_id=test.id,
            fields={**demo.record, "test_date": today.isoformat()},
            today=today,
        )
        if demo.redacted_lines:
            exemptions.attach_redacted_version(
                session,
                archive.storage,
                actor=user("utama"),
                test_id=test.id,
                fileobj=io.BytesIO(pdf_bytes(demo.title, list(demo.redacted_lines))),
                filename="versi-publik.pdf",
                max_size=archive.settings.max_upload_bytes,
                summary="Versi publik: temuan dan rekomendasi audit.",
            )
        exemptions.approve(session, actor=user("atasan"), test_id=test.id, today=today)
    return True


# (requester, what, subject, working days ago, OPD, outcome, linked title)
DEMO_REQUESTS = [
    (
        ("Budi Santoso", "3601011203850002", "budi@contoh.invalid"),
        "Laporan realisasi anggaran semester I tahun 2026 seluruh OPD.",
        "Laporan realisasi anggaran semester I 2026",
        12,
        "bpkad",
        "granted",
        "Laporan Realisasi Anggaran Semester I Tahun 2026",
    ),
    (
        ("Rina Wulandari", "3602014509900003", "rina@contoh.invalid"),
        "Daftar titik pengungsian banjir dan kapasitasnya di Kota Mandiri.",
        "Daftar titik pengungsian banjir",
        14,
        "bpbd",
        None,
        None,
    ),
    (
        (
            "Yayasan Suara Warga",
            "AHU-0012345.AH.01.04.Tahun 2020",
            "info@suarawarga.invalid",
        ),
        "Hasil pemeriksaan kesehatan pegawai Dinas Kesehatan tahun 2026.",
        "Hasil pemeriksaan kesehatan pegawai 2026",
        9,
        "dinkes",
        "refused_exempt_h",
        "Rekam Medis Pemeriksaan Kesehatan Pegawai 2026",
    ),
    (
        ("Andi Pratama", "3603010507950001", "andi@contoh.invalid"),
        "Jadwal imunisasi dasar lengkap di puskesmas bulan Desember 2026.",
        "",
        0,
        None,
        None,
        None,
    ),
]


def _add_requests(archive: Archive) -> int:
    """Requests in every state: answered, overdue, refused with an objection,
    and a new one waiting for disposition."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from sqlalchemy import func, select

    from dms.documents.consequence_tests import ConsequenceTest
    from dms.requests import objections, workflow
    from dms.requests.models import InformationRequest
    from dms.requests.service import submit_request
    from dms.workdays import working_calendar

    with archive.reading() as session:
        if session.scalar(select(func.count()).select_from(InformationRequest)):
            return 0
    zone = ZoneInfo(archive.settings.timezone)
    today = archive.settings.local_today()
    for requester, what, subject, ago, org, outcome, linked in DEMO_REQUESTS:
        name, identity, email = requester
        with archive.transaction() as session:
            days = working_calendar(session, archive.settings)
            received = days.subtract(today, ago) if ago else today
            now = datetime.combine(received, time(9, 0), zone)
            filed = submit_request(
                session,
                archive.storage,
                actor=None,
                fields={
                    "requester_kind": "person"
                    if identity[0].isdigit()
                    else "legal_entity",
                    "name": name,
                    "identity_number": identity,
                    "address": "Jl. Merdeka No. 10, Kota Mandiri",
                    "email": email,
                    "information_requested": what,
                    "purpose": "Pemantauan layanan publik",
                    "how_to_obtain": "copy_soft",
                    "delivery": "email",
                },
                settings=archive.settings,
                now=now,
            )
            number = filed.request.number
            user = partial(accounts.find_user, session)
            if org:
                workflow.dispose(
                    session,
                    actor=user("utama"),
                    number=number,
                    organisations=[org],
                    subject=subject,
                    now=now,
                )
            if outcome == "granted":
                document = _find(session, org, linked)
                workflow.answer(
                    session,
                    archive.storage,
                    actor=user("utama"),
                    number=number,
                    outcome=outcome,
                    answer_text="Dokumen yang diminta telah terbit di portal.",
                    documents=[document.id],
                    max_attachment_bytes=archive.settings.max_upload_bytes,
                    now=datetime.combine(days.add(received, 3), time(14, 0), zone),
                )
            elif outcome:
                document = _find(session, org, linked)
                test = session.scalar(
                    select(ConsequenceTest).where(
                        ConsequenceTest.document_id == document.id,
                        ConsequenceTest.state == "approved",
                    )
                )
                workflow.answer(
                    session,
                    archive.storage,
                    actor=user("utama"),
                    number=number,
                    outcome=outcome,
                    consequence_test=test.number,
                    answer_text="Informasi ini dikecualikan; ringkasan statistik "
                    "kesehatan pegawai tersedia di portal.",
                    max_attachment_bytes=archive.settings.max_upload_bytes,
                    now=datetime.combine(days.add(received, 2), time(10, 0), zone),
                )
                objections.file_objection(
                    session,
                    actor=user("utama"),
                    fields={
                        "ground": "a",
                        "channel": "letter",
                        "reasons": "Kami menilai kepentingan publik atas kesehatan "
                        "aparatur lebih besar daripada kerahasiaannya.",
                    },
                    calendar=days,
                    request_number=number,
                )
    return len(DEMO_REQUESTS)


def _find(session, org_slug: str, title: str) -> Document | None:
    return session.scalar(
        select(Document)
        .join(Organisation)
        .where(Organisation.slug == org_slug, Document.title == title)
    )


def _org_name(session, slug: str) -> str:
    return accounts.find_organisation(session, slug).name


def render(demo: DemoDocument) -> bytes:
    """The demo document's file, generated deterministically."""
    if demo.kind == "csv":
        return _csv_bytes()
    if demo.kind == "txt":
        return ("\n".join([demo.title, "", *demo.body]) + "\n").encode("utf-8")
    return pdf_bytes(demo.title, demo.body)


def pdf_bytes(title: str, lines: list[str]) -> bytes:
    """A small, reproducible PDF with a title and lines of text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(title)
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(56, 780, title[:80])
    pdf.setFont("Helvetica", 11)
    for row, line in enumerate(lines):
        pdf.drawString(56, 748 - 18 * row, line[:95])
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _csv_bytes() -> bytes:
    rows = [
        ("opd", "pagu_rp", "realisasi_rp", "persen"),
        ("Dinas Kesehatan", 612000000000, 301440000000, 49.3),
        ("Dinas Pendidikan dan Kebudayaan", 1830000000000, 842100000000, 46.0),
        ("Badan Penanggulangan Bencana Daerah", 74500000000, 29800000000, 40.0),
        ("Badan Pengelolaan Keuangan dan Aset Daerah", 98200000000, 51060000000, 52.0),
    ]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")
