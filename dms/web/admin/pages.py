"""Admin pages: organisations, users, the holiday calendar.

For the `admin` role only. Like the workspace, the views parse the form and call
one service; a refusal is shown on the form with its status.
"""

from __future__ import annotations

import holidays
from flask import (
    Blueprint,
    Flask,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from dms import workdays as calendar
from dms.accounts import service as accounts
from dms.accounts.models import User
from dms.accounts.roles import ADMIN, ATASAN_PPID, PPID_PELAKSANA, PPID_UTAMA, ROLES
from dms.errors import ValidationError
from dms.web import current_archive
from dms.web.auth import roles_required
from dms.web.forms import FORM_ERRORS, FormError, options
from dms.workdays import CUTI_BERSAMA, DAY_KINDS, NATIONAL, OTHER

bp = Blueprint("admin", __name__, url_prefix="/admin")

ROLE_LABELS = {
    ADMIN: _l("Administrator"),
    PPID_UTAMA: _l("PPID Utama"),
    PPID_PELAKSANA: _l("PPID Pelaksana"),
    ATASAN_PPID: _l("Atasan PPID"),
}
DAY_KIND_LABELS = {
    NATIONAL: _l("Libur nasional"),
    CUTI_BERSAMA: _l("Cuti bersama"),
    OTHER: _l("Libur lain"),
}
DAY_ORIGIN_LABELS = {
    calendar.FROM_PACKAGE: _l("Paket hari libur"),
    calendar.ADMIN_ADDED: _l("Admin"),
    calendar.ADMIN_CHANGED: _l("Admin (mengubah hari dari paket)"),
}


@bp.context_processor
def labels():
    return {
        "role_labels": ROLE_LABELS,
        "day_kind_labels": DAY_KIND_LABELS,
        "day_origin_labels": DAY_ORIGIN_LABELS,
        "options": options,
        "weekday_names": calendar.WEEKDAY_NAMES,
    }


def signed_in_user(session) -> User:
    return session.get(User, current_user.id)


def _run(form: str, apply):
    """One change in one transaction: the flash message, or the FormError."""
    try:
        with current_archive().transaction() as session:
            return apply(session, signed_in_user(session)), None
    except FORM_ERRORS as exc:
        return None, FormError.of(form, exc)


@bp.get("")
@roles_required(ADMIN)
def index():
    return render_template("admin/index.html")


# --- organisations -----------------------------------------------------------------


@bp.route("/organisasi", methods=["GET", "POST"])
@roles_required(ADMIN)
def organisations():
    if request.method == "GET":
        return _organisations_page(MultiDict(), None)
    form = request.form

    def apply(session, actor):
        organisation = accounts.add_organisation(
            session,
            actor=actor,
            slug=form.get("slug", "").strip(),
            name=form.get("name", ""),
            parent_slug=form.get("parent") or None,
            is_utama=form.get("is_utama") == "1",
        )
        return _("Organisasi “%(name)s” ditambahkan.", name=organisation.name)

    message, error = _run("organisation", apply)
    if error:
        return _organisations_page(form, error)
    flash(message)
    return redirect(url_for(".organisations"))


def _organisations_page(values: MultiDict, error: FormError | None):
    with current_archive().reading() as session:
        found = accounts.list_organisations(session)
        page = render_template(
            "admin/organisations.html",
            organisations=[(org, accounts.organisation_depth(org)) for org in found],
            values=values,
            error=error,
        )
    return page, error.status if error else 200


# --- users -------------------------------------------------------------------------


@bp.route("/pengguna", methods=["GET", "POST"])
@roles_required(ADMIN)
def users():
    if request.method == "GET":
        return _users_page(MultiDict(), None)
    form = request.form

    def apply(session, actor):
        if not form.get("password"):
            # Without one the account could never log in through these pages.
            raise ValidationError(_("Isi kata sandi awal pengguna."), "password")
        user = accounts.add_user(
            session,
            actor=actor,
            username=form.get("username", "").strip(),
            role=form.get("role", ""),
            org_slug=form.get("org") or None,
            password=form.get("password", ""),
            hash_method=current_archive().settings.password_hash,
            display_name=form.get("display_name", "").strip(),
            email=form.get("email", "").strip(),
            nip=form.get("nip", ""),
            position=form.get("position", ""),
        )
        return _("Pengguna “%(username)s” ditambahkan.", username=user.username)

    message, error = _run("user", apply)
    if error:
        return _users_page(form, error)
    flash(message)
    return redirect(url_for(".users"))


@bp.post("/pengguna/pejabat")
@roles_required(ADMIN)
def official():
    form = request.form

    def apply(session, actor):
        user = accounts.set_official(
            session,
            actor=actor,
            username=form.get("username", ""),
            nip=form.get("nip", ""),
            position=form.get("position", ""),
        )
        return _("Data pejabat “%(username)s” disimpan.", username=user.username)

    message, error = _run("official", apply)
    if error:
        return _users_page(form, error)
    flash(message)
    return redirect(url_for(".users"))


@bp.post("/pengguna/peran")
@roles_required(ADMIN)
def change_role():
    form = request.form

    def apply(session, actor):
        user = accounts.change_role(
            session,
            actor=actor,
            username=form.get("username", ""),
            role=form.get("role", ""),
            org_slug=form.get("org") or None,
        )
        return _("Peran “%(username)s” disimpan.", username=user.username)

    return _after(*_run("role", apply), form)


@bp.post("/pengguna/kata-sandi")
@roles_required(ADMIN)
def reset_password():
    form = request.form

    def apply(session, actor):
        user = accounts.reset_password(
            session,
            actor=actor,
            username=form.get("username", ""),
            password=form.get("password", ""),
            hash_method=current_archive().settings.password_hash,
        )
        return _("Kata sandi “%(username)s” diatur ulang.", username=user.username)

    return _after(
        *_run("password", apply), MultiDict({"username": form.get("username", "")})
    )


def _after(message, error, values):
    if error:
        return _users_page(values, error)
    flash(message)
    return redirect(url_for(".users"))


@bp.post("/pengguna/<username>/nonaktifkan")
@roles_required(ADMIN)
def deactivate(username: str):
    def apply(session, actor):
        user = accounts.deactivate_user(session, actor=actor, username=username)
        return _("Pengguna “%(username)s” dinonaktifkan.", username=user.username)

    message, error = _run("deactivate", apply)
    if error:
        return _users_page(MultiDict(), error)
    flash(message)
    return redirect(url_for(".users"))


def _users_page(values: MultiDict, error: FormError | None):
    with current_archive().reading() as session:
        users = accounts.list_users(session)
        page = render_template(
            "admin/users.html",
            users=users,
            user_options=[
                (user.username, f"{user.display_name} ({user.username})")
                for user in users
            ],
            organisations=accounts.list_organisations(session),
            roles=ROLES,
            values=values,
            error=error,
            depth=accounts.organisation_depth,
        )
    return page, error.status if error else 200


# --- the working-day calendar ---------------------------------------------------------


@bp.route("/kalender", methods=["GET", "POST"])
@roles_required(ADMIN)
def calendar_page():
    if request.method == "GET":
        return _calendar_page(_year(request.args.get("year")), MultiDict(), None)
    form = request.form

    def apply(session, actor):
        row = calendar.set_day(
            session,
            actor=actor,
            day=calendar.parse_day(form.get("day", "")),
            name=form.get("name", ""),
            kind=form.get("kind", ""),
        )
        return _("Hari libur %(day)s dicatat.", day=row.day.isoformat())

    message, error = _run("day", apply)
    if error:
        return _calendar_page(_year(form.get("day", "")[:4]), form, error)
    flash(message)
    return redirect(url_for(".calendar_page", year=form["day"][:4]))


@bp.post("/kalender/<day>/hapus")
@roles_required(ADMIN)
def remove_day(day: str):
    def apply(session, actor):
        when = calendar.parse_day(day)
        calendar.remove_day(session, actor=actor, day=when)
        return _("%(day)s kini hari kerja.", day=when.isoformat())

    message, error = _run("remove", apply)
    if error:
        return _calendar_page(_year(day[:4]), MultiDict(), error)
    flash(message)
    return redirect(url_for(".calendar_page", year=day[:4]))


@bp.post("/kalender/<int:year>/gabung")
@roles_required(ADMIN)
def merge_year(year: int):
    def apply(session, actor):
        merged = calendar.merge_year(session, year, actor=actor)
        return _(
            "%(count)d hari libur baru dari paket ditambahkan; suntingan admin "
            "tidak diubah.",
            count=len(merged.added),
        )

    message, error = _run("merge", apply)
    if error:
        return _calendar_page(_year(str(year)), MultiDict(), error)
    flash(message)
    return redirect(url_for(".calendar_page", year=year))


def _year(raw: str | None) -> int:
    """The year asked for, within the calendar's range; else this year."""
    if raw and raw.isdigit() and calendar.MIN_YEAR <= int(raw) <= calendar.MAX_YEAR:
        return int(raw)
    return current_archive().settings.local_today().year


def _calendar_page(year: int, values: MultiDict, error: FormError | None):
    settings = current_archive().settings
    with current_archive().reading() as session:
        days = calendar.list_days(
            session, year, cuti_bersama_day_off=settings.cuti_bersama_day_off
        )
        page = render_template(
            "admin/calendar.html",
            year=year,
            days=days,
            has_cuti_bersama=any(entry.kind == CUTI_BERSAMA for entry in days),
            unmerged=calendar.missing_package_days(session, year),
            holidays_version=holidays.__version__,
            seeded=calendar.is_seeded(session, year),
            cuti_bersama_day_off=settings.cuti_bersama_day_off,
            kinds=DAY_KINDS,
            values=values,
            error=error,
        )
    return page, error.status if error else 200


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
