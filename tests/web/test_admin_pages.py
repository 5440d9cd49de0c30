"""The admin pages in the browser: organisations, users, the holiday calendar."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import delete

from dms import workdays as calendar
from dms.accounts.models import Organisation
from dms.accounts.roles import SYSTEM
from dms.audit import AuditEvent
from dms.workdays import CalendarDay
from tests.web.test_auth_pages import csrf_token, log_in


@pytest.fixture
def admin(app, cast):
    browser = app.test_client()
    assert log_in(browser, "admin").status_code == 302
    return browser


def post(browser, path: str, page: str, **data):
    return browser.post(path, data={"csrf_token": csrf_token(browser, page), **data})


def due(client) -> str:
    response = client.get(
        "/api/v1/calendar/due", query_string={"received": "2025-03-24", "days": 10}
    )
    assert response.status_code == 200
    return response.get_json()["due"]


def test_the_admin_adds_an_organisation_under_its_parent(admin, archive):
    added = post(
        admin,
        "/admin/organisasi",
        "/admin/organisasi",
        slug="dinas-pendidikan",
        name="Dinas Pendidikan",
        parent="ppid-utama",
    )
    assert added.status_code == 302
    page = admin.get("/admin/organisasi").get_data(as_text=True)
    assert "Dinas Pendidikan" in page and "<caption>" in page
    assert page.count("<h1>") == 1
    with archive.reading() as session:
        organisation = session.query(Organisation).filter_by(slug="dinas-pendidikan")
        assert organisation.one().parent.slug == "ppid-utama"


def test_a_refused_organisation_is_explained_on_the_form(admin, archive):
    duplicate = post(
        admin, "/admin/organisasi", "/admin/organisasi", slug="dinkes", name="Lagi"
    )
    assert duplicate.status_code == 409
    assert "sudah ada" in duplicate.get_data(as_text=True)
    bad = post(
        admin,
        "/admin/organisasi",
        "/admin/organisasi",
        slug="Bukan Slug",
        name="Dinas Sosial",
    )
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert 'role="alert"' in page
    assert re.search(r'aria-describedby="[^"]*organisation-slug-error"', page)
    assert 'value="Dinas Sosial"' in page  # the input is kept
    with archive.reading() as session:
        assert session.query(Organisation).filter_by(name="Dinas Sosial").count() == 0


def test_a_user_the_admin_adds_can_log_in(app, admin):
    added = post(
        admin,
        "/admin/pengguna",
        "/admin/pengguna",
        username="sekolah1",
        display_name="Operator SMA 1",
        email="sma1@contoh.invalid",
        role="ppid_pelaksana",
        org="dinkes",
        password="sandi-awal-123",
    )
    assert added.status_code == 302
    assert "Operator SMA 1" in admin.get("/admin/pengguna").get_data(as_text=True)
    newcomer = app.test_client()
    assert log_in(newcomer, "sekolah1", "sandi-awal-123").status_code == 302
    assert newcomer.get("/ruang-kerja").status_code == 200


def test_a_pelaksana_without_an_organisation_is_refused(admin):
    response = post(
        admin,
        "/admin/pengguna",
        "/admin/pengguna",
        username="tanpa-org",
        role="ppid_pelaksana",
        password="sandi-awal-123",
    )
    assert response.status_code == 422
    assert "wajib terdaftar pada organisasi" in response.get_data(as_text=True)


def test_a_deactivated_user_is_logged_out_on_the_next_request(app, admin, archive):
    bpbd = app.test_client()
    assert log_in(bpbd, "bpbd").status_code == 302
    assert bpbd.get("/ruang-kerja").status_code == 200
    response = post(admin, "/admin/pengguna/bpbd/nonaktifkan", "/admin/pengguna")
    assert response.status_code == 302
    again = bpbd.get("/ruang-kerja")
    assert again.status_code == 302 and "/masuk" in again.location
    assert log_in(app.test_client(), "bpbd").status_code == 401
    with archive.reading() as session:
        actions = [event.action for event in session.query(AuditEvent)]
    assert "user.deactivate" in actions
    myself = post(admin, "/admin/pengguna/admin/nonaktifkan", "/admin/pengguna")
    assert myself.status_code == 409


def test_the_admin_adds_and_removes_a_holiday_and_due_dates_follow(client, admin):
    assert due(client) == "2025-04-16"
    added = post(
        admin,
        "/admin/kalender",
        "/admin/kalender?year=2025",
        day="2025-03-26",
        name="Libur daerah",
        kind="other",
    )
    assert added.status_code == 302
    page = admin.get("/admin/kalender?year=2025").get_data(as_text=True)
    assert "Libur daerah" in page and "Cuti bersama dihitung sebagai hari libur" in page
    assert due(client) == "2025-04-17"
    removed = post(
        admin, "/admin/kalender/2025-03-26/hapus", "/admin/kalender?year=2025"
    )
    assert removed.status_code == 302
    assert due(client) == "2025-04-16"


def test_a_weekend_holiday_is_refused_on_the_form(admin):
    response = post(
        admin,
        "/admin/kalender",
        "/admin/kalender",
        day="2025-03-22",
        name="Sabtu",
        kind="other",
    )
    assert response.status_code == 422
    assert "akhir pekan" in response.get_data(as_text=True)


def test_only_the_admin_opens_the_admin_pages(app, cast):
    for username in ("utama", "atasan"):
        browser = app.test_client()
        log_in(browser, username)
        for path in ("/admin", "/admin/organisasi", "/admin/kalender"):
            assert browser.get(path).status_code == 403, (username, path)
    assert app.test_client().get("/admin").status_code == 302


def _stale_2025(archive) -> None:
    """2025 seeded by an older holidays package: without the August cuti bersama."""
    with archive.transaction() as session:
        calendar.seed_year(session, 2025, actor=SYSTEM)
        session.execute(delete(CalendarDay).where(CalendarDay.day == date(2025, 8, 18)))


def test_the_admin_merges_the_packages_new_days_from_the_calendar_page(
    client, admin, archive
):
    _stale_2025(archive)
    removed = post(
        admin, "/admin/kalender/2025-04-07/hapus", "/admin/kalender?year=2025"
    )
    assert removed.status_code == 302
    page = admin.get("/admin/kalender?year=2025").get_data(as_text=True)
    assert "memuat 1 hari libur yang belum ada" in page
    assert "/admin/kalender/2025/gabung" in page
    assert "Admin (mengubah hari dari paket)" in page and "Paket hari libur" in page

    merged = post(admin, "/admin/kalender/2025/gabung", "/admin/kalender?year=2025")

    assert merged.status_code == 302
    page = admin.get("/admin/kalender?year=2025").get_data(as_text=True)
    assert "1 hari libur baru dari paket ditambahkan" in page
    assert "/admin/kalender/2025/gabung" not in page
    assert due(client) == "2025-04-15"  # the admin's correction of 7 Apr kept
    with archive.reading() as session:
        assert session.get(CalendarDay, date(2025, 8, 18)).source == "holidays"


def test_the_calendar_page_warns_of_a_year_without_cuti_bersama(admin):
    page = admin.get("/admin/kalender?year=2099").get_data(as_text=True)
    assert "Kalender 2099 tidak memuat cuti bersama" in page
    page = admin.get("/admin/kalender?year=2025").get_data(as_text=True)
    assert "tidak memuat cuti bersama" not in page


def test_only_the_admin_merges_the_calendar(app, cast, archive):
    browser = app.test_client()
    log_in(browser, "utama")

    response = post(browser, "/admin/kalender/2025/gabung", "/ruang-kerja")

    assert response.status_code == 403
    with archive.reading() as session:
        assert not calendar.is_seeded(session, 2025)


def test_a_password_the_admin_sets_is_hashed_with_the_configured_method(
    app, admin, archive
):
    from dms.accounts import service as accounts

    post(
        admin,
        "/admin/pengguna",
        "/admin/pengguna",
        username="sekolah2",
        role="ppid_pelaksana",
        org="dinkes",
        password="sandi-awal-123",
    )
    with archive.reading() as session:
        stored = accounts.find_user(session, "sekolah2").password_hash

    # The tests configure a cheap hash (tests/conftest.py); production keeps scrypt.
    assert archive.settings.password_hash == "pbkdf2:sha256:1"
    assert stored.startswith("pbkdf2:sha256:1$")
    assert log_in(app.test_client(), "sekolah2", "sandi-awal-123").status_code == 302


def test_without_a_method_a_new_password_is_hashed_with_scrypt(archive, cast):
    from dms.accounts import service as accounts

    with archive.transaction() as session:
        user = accounts.add_user(
            session,
            actor=SYSTEM,
            username="tanpa-setelan",
            role="ppid_utama",
            org_slug="ppid-utama",
            password="sandi-awal-123",
        )
        assert user.password_hash.startswith("scrypt:")
