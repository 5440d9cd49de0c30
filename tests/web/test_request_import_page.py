"""/ruang-kerja/impor/permohonan: the PPID Utama brings a past request register
in from the page, checked before written, all rows or none."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from dms.accounts.models import User
from dms.audit import AuditEvent
from dms.errors import Forbidden
from dms.onboarding.requests import COLUMNS, import_requests
from dms.requests.models import InformationRequest
from dms.workdays import working_calendar
from tests.helpers import post_multipart, xlsx_bytes
from tests.web.test_auth_pages import csrf_token

PAGE = "/ruang-kerja/impor/permohonan"


def _register(archive) -> list[dict[str, str]]:
    """Two past requests: one answered on a working day of the archive's own
    calendar, one still waiting at the OPD."""
    with archive.reading() as session:
        # The calendar reads its holidays as it goes: inside the session.
        days = working_calendar(session, archive.settings)
        received = days.add(date(2024, 3, 1), 1)
        disposed = days.add(received, 1)
        return [
            {
                "diterima": received.isoformat(),
                "nama": "Pemohon Pertama",
                "informasi": "Salinan laporan keuangan 2023",
                "tujuan": "Penelitian",
                "opd": "dinkes",
                "disposisi": disposed.isoformat(),
                "dijawab": days.add(disposed, 3).isoformat(),
                "hasil": "granted",
            },
            {
                "diterima": days.add(received, 5).isoformat(),
                "nama": "Pemohon Kedua",
                "informasi": "Daftar puskesmas",
                "tujuan": "Pengawasan",
                "opd": "dinkes",
            },
        ]


def _post(browser, sheet: bytes, dry_run: bool, name: str = "register.xlsx"):
    data = {
        "csrf_token": csrf_token(browser, PAGE),
        "sheet": (io.BytesIO(sheet), name),
    }
    if dry_run:
        data["dry_run"] = "1"
    return post_multipart(browser, PAGE, data)


def _requests_in(archive) -> int:
    with archive.reading() as session:
        return session.scalar(select(func.count()).select_from(InformationRequest))


def test_the_template_is_an_xlsx_with_the_register_columns(officer):
    response = officer("utama").get(f"{PAGE}/templat.xlsx")

    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert header == list(COLUMNS)


def test_a_dry_run_lists_the_rows_and_writes_nothing(officer, archive):
    response = _post(officer("utama"), xlsx_bytes(COLUMNS, _register(archive)), True)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 baris siap diimpor; belum ada yang disimpan" in page
    assert "Pemohon Pertama" in page and "Daftar puskesmas" in page
    assert _requests_in(archive) == 0


def test_an_import_registers_the_requests_by_the_officer(officer, archive):
    utama = officer("utama")

    response = _post(utama, xlsx_bytes(COLUMNS, _register(archive)), False)

    assert response.status_code == 200
    assert (
        "2 permohonan diimpor, bernomor PPID-2024-000001 sampai PPID-2024-000002"
        in response.get_data(as_text=True)
    )
    listed = utama.get("/ruang-kerja/permohonan").get_data(as_text=True)
    assert "PPID-2024-000001" in listed and "PPID-2024-000002" in listed
    with archive.reading() as session:
        states = session.scalars(
            select(InformationRequest.state).order_by(InformationRequest.number)
        ).all()
        actors = session.scalars(
            select(AuditEvent.actor_username).where(
                AuditEvent.action == "request.import"
            )
        ).all()
    assert states == ["answered", "disposed"]
    assert actors == ["utama", "utama"]


def test_a_bad_row_is_shown_by_number_and_nothing_is_imported(officer, archive):
    rows = _register(archive)
    rows[1]["dijawab"] = "bukan tanggal"

    response = _post(officer("utama"), xlsx_bytes(COLUMNS, rows), False)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Baris 3: Tanggal dijawab &#39;bukan tanggal&#39; tidak valid" in page
    assert 'href="#impor-sheet"' in page
    assert _requests_in(archive) == 0


def test_a_file_that_is_not_a_spreadsheet_is_refused_at_its_field(officer, archive):
    response = _post(officer("utama"), b"%PDF-1.4", False, name="register.pdf")

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<a href="#impor-sheet">Pilih berkas .xlsx atau .csv.</a>' in page
    assert 'aria-invalid="true"' in page
    assert _requests_in(archive) == 0


@pytest.mark.parametrize(
    ("username", "home"),
    [("dinkes", "/ruang-kerja"), ("atasan", "/ruang-kerja"), ("admin", "/admin")],
)
def test_only_the_ppid_utama_may_import_the_register(officer, archive, username, home):
    browser = officer(username)

    form = browser.get(PAGE)
    template = browser.get(f"{PAGE}/templat.xlsx")
    token = csrf_token(browser, home)
    sheet = (io.BytesIO(xlsx_bytes(COLUMNS, _register(archive))), "register.xlsx")
    posted = post_multipart(browser, PAGE, {"csrf_token": token, "sheet": sheet})

    assert (form.status_code, template.status_code, posted.status_code) == (
        403,
        403,
        403,
    )
    assert "Impor permohonan" not in browser.get("/ruang-kerja").get_data(as_text=True)
    assert _requests_in(archive) == 0


def test_a_citizen_is_sent_to_log_in(client, cast, archive):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert "/masuk" in response.location
    assert _requests_in(archive) == 0


def test_the_service_refuses_a_pelaksana_too(archive, cast, tmp_path):
    sheet = tmp_path / "register.xlsx"
    sheet.write_bytes(xlsx_bytes(COLUMNS, _register(archive)))
    with archive.reading() as session:
        dinkes = session.scalar(select(User).where(User.username == "dinkes"))

    with pytest.raises(Forbidden):
        import_requests(archive, sheet, dry_run=False, actor=dinkes)

    assert _requests_in(archive) == 0


def test_an_upload_without_its_csrf_token_is_refused(officer, archive):
    response = post_multipart(
        officer("utama"),
        PAGE,
        {
            "sheet": (
                io.BytesIO(xlsx_bytes(COLUMNS, _register(archive))),
                "register.xlsx",
            )
        },
    )

    assert response.status_code == 400
    assert _requests_in(archive) == 0


def test_the_utama_finds_the_page_in_the_workspace_menu(officer):
    menu = officer("utama").get("/ruang-kerja").get_data(as_text=True)

    assert f'href="{PAGE}"' in menu
