"""The organisation profile form under /ruang-kerja/profil/<slug>: the admin and
the PPID Utama edit every organisation's, a Pelaksana its own (the service decides)."""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from dms.accounts.models import Organisation, User
from dms.accounts.roles import ADMIN, PPID_PELAKSANA, PPID_UTAMA
from dms.documents.access import PUBLIC_CLAUSE
from dms.documents.models import Document
from dms.errors import NotFound, ValidationError
from dms.organisations import profiles
from dms.web import current_archive
from dms.web.auth import roles_required
from dms.web.forms import FORM_ERRORS, FormError

bp = Blueprint("profile", __name__, url_prefix="/ruang-kerja/profil")
EDITORS = (ADMIN, PPID_UTAMA, PPID_PELAKSANA)
FORM = "profile"


@bp.get("")
@roles_required(*EDITORS)
def index():
    """The organisations the officer may edit (a Pelaksana goes to its own)."""
    with current_archive().reading() as session:
        actor = session.get(User, current_user.id)
        if actor.role == PPID_PELAKSANA:
            if actor.organisation is None:
                abort(403)
            return redirect(url_for(".edit", slug=actor.organisation.slug))
        organisations = session.scalars(
            select(Organisation).order_by(Organisation.name)
        ).all()
        return render_template("workspace/profiles.html", organisations=organisations)


@bp.route("/<slug>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit(slug: str):
    if request.method == "GET":
        return _page(slug, None, None)
    try:
        changes = form_changes(request.form)
        with current_archive().transaction() as session:
            profiles.update_profile(
                session,
                actor=session.get(User, current_user.id),
                slug=slug,
                changes=changes,
            )
    except NotFound:
        abort(404)
    except FORM_ERRORS as exc:
        return _page(slug, request.form, FormError.of(FORM, exc))
    flash(_("Profil organisasi disimpan."))
    return redirect(url_for(".edit", slug=slug))


def form_changes(form) -> dict:
    """The form's fields as the service's changes (officers: one "name | position"
    per line; documents chosen from lists)."""
    changes = {name: form.get(name, "") for name in profiles.TEXT_LIMITS}
    changes["officers"] = officers_from_text(form.get("officers", ""))
    changes["sk_ppid_document_id"] = _document_id(form.get("sk_ppid_document_id"))
    changes["sop_document_ids"] = [
        _document_id(value) for value in form.getlist("sop_document_ids")
    ]
    return changes


def officers_from_text(text: str) -> list[dict[str, str]]:
    """'Nama | Jabatan' lines as officer rows; a line without '|' is refused."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, bar, position = line.partition("|")
        if not bar:
            raise ValidationError(
                _(
                    "Baris %(number)s: tulis nama dan jabatan dipisah tanda |.",
                    number=number,
                ),
                "officers",
            )
        rows.append({"name": name.strip(), "position": position.strip()})
    return rows


def _document_id(value: str | None) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise ValidationError(_("Pilih dokumen dari daftar."), "sop_document_ids")
    return int(value)


def _page(slug: str, form, error: FormError | None):
    with current_archive().reading() as session:
        actor = session.get(User, current_user.id)
        try:
            view = profiles.get_profile(session, actor, slug)
        except NotFound:
            abort(404)
        if not profiles.may_edit(actor, view.organisation):
            abort(403)
        documents = session.scalars(
            select(Document)
            .where(Document.organisation_id == view.organisation.id, PUBLIC_CLAUSE)
            .order_by(Document.title)
            .limit(500)
        ).all()
        values = form if form is not None else _values(view)
        return render_template(
            "workspace/profile.html",
            organisation=view.organisation,
            values=values,
            error=error,
            documents=documents,
            form=FORM,
        ), (error.status if error else 200)


def _values(view: profiles.ProfileView) -> MultiDict:
    profile = view.profile
    values = MultiDict(
        {name: getattr(profile, name) or "" for name in profiles.TEXT_LIMITS}
    )
    values["officers"] = "\n".join(
        f"{row['name']} | {row['position']}" for row in profile.officers or []
    )
    values["sk_ppid_document_id"] = str(profile.sk_ppid_document_id or "")
    for document_id in profile.sop_document_ids or []:
        values.add("sop_document_ids", str(document_id))
    return values


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
