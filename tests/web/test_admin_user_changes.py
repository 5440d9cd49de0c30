"""The admin moves a user to another role or organisation and resets a
password; both end the user's sessions and land in the audit trail."""

from __future__ import annotations

from sqlalchemy import select

from dms.audit import AuditEvent
from tests.web.test_auth_pages import csrf_token, log_in


def _admin(app):
    browser = app.test_client()
    assert log_in(browser, "admin").status_code == 302
    return browser


def _post(browser, path, data):
    return browser.post(
        path, data={"csrf_token": csrf_token(browser, "/admin/pengguna"), **data}
    )


def test_the_admin_moves_a_pelaksana_to_another_opd(app, cast, archive):
    officer = app.test_client()
    assert log_in(officer, "dinkes").status_code == 302

    moved = _post(
        _admin(app),
        "/admin/pengguna/peran",
        {"username": "dinkes", "role": "ppid_pelaksana", "org": "bpbd"},
    )

    assert moved.status_code == 302
    assert officer.get("/ruang-kerja").status_code in (302, 401)
    with archive.reading() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "user.role")
        ).one()
    assert (event.before["org"], event.after["org"]) == ("dinkes", "bpbd")


def test_a_pelaksana_without_an_organisation_is_refused(app, cast):
    refused = _post(
        _admin(app),
        "/admin/pengguna/peran",
        {"username": "dinkes", "role": "ppid_pelaksana", "org": ""},
    )

    assert refused.status_code == 422
    assert "wajib terdaftar pada organisasi" in refused.get_data(as_text=True)


def test_the_admin_resets_a_password_and_the_new_one_logs_in(app, cast):
    reset = _post(
        _admin(app),
        "/admin/pengguna/kata-sandi",
        {"username": "bpbd", "password": "sandi-baru-123"},
    )

    assert reset.status_code == 302
    assert log_in(app.test_client(), "bpbd", "sandi-baru-123").status_code == 302
    assert log_in(app.test_client(), "bpbd").status_code != 302


def test_a_short_password_is_refused(app, cast):
    refused = _post(
        _admin(app),
        "/admin/pengguna/kata-sandi",
        {"username": "bpbd", "password": "pendek"},
    )

    assert refused.status_code == 422
    assert "minimal 8 karakter" in refused.get_data(as_text=True)


def test_only_the_admin_changes_roles(app, cast):
    utama = app.test_client()
    assert log_in(utama, "utama").status_code == 302

    refused = utama.post(
        "/admin/pengguna/peran",
        data={"username": "dinkes", "role": "admin"},
    )

    assert refused.status_code in (400, 403)
