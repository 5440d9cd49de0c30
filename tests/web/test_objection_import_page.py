"""/ruang-kerja/impor/keberatan: the PPID Utama brings a past objection register
in from the page, after the requests it refers to, checked before written, all
rows or none; the objections then list beside the live ones."""

from __future__ import annotations

import io
import re
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from dms.accounts.models import User
from dms.audit import AuditEvent
from dms.errors import Forbidden
from dms.onboarding import requests as request_import
from dms.onboarding.objections import COLUMNS, import_objections
from dms.onboarding.sheets import recorded_moment
from dms.requests.models import Objection
from dms.requests.objections import file_objection
from dms.workdays import working_calendar
from tests.helpers import post_multipart, xlsx_bytes
from tests.web.test_auth_pages import csrf_token

PAGE = "/ruang-kerja/impor/keberatan"


@pytest.fixture
def register(archive, cast, tmp_path) -> list[dict[str, str]]:
    """Two past requests imported first, both refused as exempt on a working
    day of the archive's calendar; then one objection to each: the first
    answered by the atasan PPID, the second still waiting."""
    with archive.reading() as session:
        days = working_calendar(session, archive.settings)
        received = days.add(date(2024, 3, 1), 1)
        answered = days.add(received, 4)
        objected = days.add(answered, 3)
        decided = days.add(objected, 10)
    requests = [
        {
            "diterima": received.isoformat(),
            "nama": name,
            "informasi": "Kontrak pengadaan",
            "tujuan": "Pengawasan",
            "opd": "dinkes",
            "disposisi": received.isoformat(),
            "dijawab": answered.isoformat(),
            "hasil": "refused_exempt_b",
        }
        for name in ("Pemohon Pertama", "Pemohon Kedua")
    ]
    sheet = tmp_path / "permohonan.xlsx"
    sheet.write_bytes(xlsx_bytes(request_import.COLUMNS, requests))
    assert request_import.import_requests(archive, sheet, dry_run=False).ok
    return [
        {
            "permohonan": "PPID-2024-000001",
            "diterima": objected.isoformat(),
            "alasan": "a",
            "nama": "Pemohon Pertama",
            "diputus": decided.isoformat(),
            "tanggapan": "upheld_partly",
            "catatan": "Sebagian dibuka.",
        },
        {
            "permohonan": "PPID-2024-000002",
            "diterima": objected.isoformat(),
            "alasan": "a",
            "nama": "Pemohon Kedua",
        },
    ]


def _post(browser, rows, dry_run: bool, name: str = "keberatan.xlsx"):
    data = {
        "csrf_token": csrf_token(browser, PAGE),
        "sheet": (io.BytesIO(xlsx_bytes(COLUMNS, rows)), name),
    }
    if dry_run:
        data["dry_run"] = "1"
    return post_multipart(browser, PAGE, data)


def _objections_in(archive) -> int:
    with archive.reading() as session:
        return session.scalar(select(func.count()).select_from(Objection))


def test_the_template_is_an_xlsx_with_the_register_columns(officer):
    response = officer("utama").get(f"{PAGE}/templat.xlsx")

    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert header == list(COLUMNS)


def test_a_dry_run_lists_the_rows_and_writes_nothing(officer, archive, register):
    response = _post(officer("utama"), register, True)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 baris siap diimpor; belum ada yang disimpan" in page
    assert "Pemohon Pertama" in page and "PPID-2024-000002" in page
    assert _objections_in(archive) == 0


def test_an_import_lists_the_objections_beside_live_ones(officer, archive, register):
    utama = officer("utama")

    response = _post(utama, register, False)

    assert response.status_code == 200
    assert (
        "2 keberatan diimpor, bernomor KEB-2024-000001 sampai KEB-2024-000002"
        in response.get_data(as_text=True)
    )
    for browser in (utama, officer("atasan")):
        listed = browser.get("/ruang-kerja/keberatan").get_data(as_text=True)
        rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", listed, re.S)
        assert len(rows) == 2
        first, second = sorted(rows, key=lambda row: "KEB-2024-000002" in row)
        assert "KEB-2024-000001" in first and "PPID-2024-000001" in first
        assert "Sudah ditanggapi" in first
        assert "KEB-2024-000002" in second and "PPID-2024-000002" in second
        assert "menunggu tanggapan atasan PPID" in second
        detail = browser.get("/ruang-kerja/keberatan/KEB-2024-000001")
        assert detail.status_code == 200
        assert "Sebagian dibuka." in detail.get_data(as_text=True)
    with archive.reading() as session:
        actors = session.scalars(
            select(AuditEvent.actor_username).where(
                AuditEvent.action == "objection.import"
            )
        ).all()
    assert actors == ["utama", "utama"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"permohonan": "PPID-2024-000099"},
            "Baris 3: Permohonan &#39;PPID-2024-000099&#39; tidak ditemukan",
        ),
        ({"diputus": "2024-03-01"}, "Baris 3: Tanggal diputus sebelum"),
        ({"diterima": "2999-01-01"}, "Baris 3: Tanggal diterima 2999-01-01 di masa"),
    ],
)
def test_a_bad_row_is_shown_by_number_and_nothing_is_imported(
    officer, archive, register, change, message
):
    register[1].update(change)
    if "diputus" in change:
        register[1]["tanggapan"] = "rejected"

    response = _post(officer("utama"), register, False)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert 'href="#impor-sheet"' in page
    assert _objections_in(archive) == 0


@pytest.mark.parametrize(
    ("username", "home"),
    [("dinkes", "/ruang-kerja"), ("atasan", "/ruang-kerja"), ("admin", "/admin")],
)
def test_only_the_ppid_utama_may_import_the_register(
    officer, archive, register, username, home
):
    browser = officer(username)

    form = browser.get(PAGE)
    template = browser.get(f"{PAGE}/templat.xlsx")
    token = csrf_token(browser, home)
    sheet = (io.BytesIO(xlsx_bytes(COLUMNS, register)), "keberatan.xlsx")
    posted = post_multipart(browser, PAGE, {"csrf_token": token, "sheet": sheet})

    assert (form.status_code, template.status_code, posted.status_code) == (
        403,
        403,
        403,
    )
    assert "Impor keberatan" not in browser.get("/ruang-kerja").get_data(as_text=True)
    assert _objections_in(archive) == 0


def test_the_service_refuses_the_atasan_too(archive, register, tmp_path):
    sheet = tmp_path / "keberatan.xlsx"
    sheet.write_bytes(xlsx_bytes(COLUMNS, register))
    with archive.reading() as session:
        atasan = session.scalar(select(User).where(User.username == "atasan"))

    with pytest.raises(Forbidden):
        import_objections(archive, sheet, dry_run=False, actor=atasan)

    assert _objections_in(archive) == 0


def test_an_upload_without_its_csrf_token_is_refused(officer, archive, register):
    response = post_multipart(
        officer("utama"),
        PAGE,
        {"sheet": (io.BytesIO(xlsx_bytes(COLUMNS, register)), "keberatan.xlsx")},
    )

    assert response.status_code == 400
    assert _objections_in(archive) == 0


def test_the_utama_finds_the_page_in_the_workspace_menu(officer):
    menu = officer("utama").get("/ruang-kerja").get_data(as_text=True)

    assert f'href="{PAGE}"' in menu


def test_imported_objections_are_numbered_after_the_years_live_ones(
    officer, archive, register
):
    """An objection recorded live in 2024 keeps KEB-2024-000001; the imported
    ones follow it."""
    objected = date.fromisoformat(register[1]["diterima"])
    zone = ZoneInfo(archive.settings.timezone)
    with archive.transaction() as session:
        utama = session.scalar(select(User).where(User.username == "utama"))
        filed = file_objection(
            session,
            actor=utama,
            fields={
                "ground": "a",
                "reasons": "Penolakan tidak berdasar.",
                "channel": "letter",
            },
            calendar=working_calendar(session, archive.settings),
            request_number="PPID-2024-000002",
            now=recorded_moment(objected, zone),
        )
        assert filed.objection.number == "KEB-2024-000001"

    response = _post(officer("utama"), register, False)

    assert (
        "2 keberatan diimpor, bernomor KEB-2024-000002 sampai KEB-2024-000003"
        in response.get_data(as_text=True)
    )
