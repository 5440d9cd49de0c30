"""The citizens' objection pages (keberatan, UU KIP Ps. 35): the form (about a
request, reached from its status page with the secret, or on ground b without
one), the confirmation with the status link, and the status page. Plain HTML
forms; the same spam protection as the request form."""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from dms.requests import spam
from dms.requests.models import GROUNDS
from dms.requests.objections import file_objection, objection_status
from dms.requests.service import body_name
from dms.requests.tanggapan import tanggapan_pdf
from dms.web import body_limit, current_archive
from dms.web.forms import FORM_ERRORS, FormError
from dms.web.public.requests import (
    CHECKED,
    REQUESTER_KIND_LABELS,
    check_spam,
    submit_limit,
)
from dms.workdays import working_calendar

bp = Blueprint("keberatan", __name__, url_prefix="/keberatan")
NEW_OBJECTION = "keberatan_baru"
MAX_FORM_BYTES = 256 * 1024

GROUND_OPTIONS = dict(
    zip(
        GROUNDS,
        (
            _l(
                "a. Permohonan ditolak (seluruhnya atau sebagian) dengan alasan "
                "informasi dikecualikan"
            ),
            _l("b. Informasi berkala tidak disediakan"),
            _l("c. Permohonan tidak ditanggapi"),
            _l("d. Permohonan ditanggapi tidak sebagaimana yang diminta"),
            _l("e. Permohonan tidak dipenuhi"),
            _l("f. Biaya yang dikenakan tidak wajar"),
            _l("g. Informasi disampaikan melebihi jangka waktu"),
        ),
        strict=True,
    )
)
DECISION_UI = {
    "upheld": _l("keberatan diterima"),
    "upheld_partly": _l("keberatan diterima sebagian"),
    "rejected": _l("keberatan ditolak"),
}
OBJECTION_STATE_LABELS = {
    "submitted": _l("Diterima, menunggu tanggapan atasan PPID"),
    "decided": _l("Sudah ditanggapi"),
    "withdrawn": _l("Dicabut"),
}


body_limit(lambda settings: MAX_FORM_BYTES)(bp)


@bp.get("")
def form():
    values = MultiDict(
        {
            "request": request.args.get("permohonan", ""),
            "kunci": request.args.get("kunci", ""),
        }
    )
    return _form_page(values, None)


@bp.post("")
@submit_limit()
def submit():
    archive = current_archive()
    number = request.form.get("request", "").strip() or None
    secret = request.form.get("kunci") or None
    try:
        with archive.transaction() as db:
            check_spam(db, request.form)
            filed = file_objection(
                db,
                actor=None,
                fields=objection_fields(request.form),
                calendar=working_calendar(db, archive.settings),
                request_number=number,
                request_secret=secret,
                request_email=None if secret else checked_email(number),
            )
            objection_number = filed.objection.number
    except FORM_ERRORS as exc:
        error = FormError.of("keberatan", exc)
        return _form_page(request.form, error), error.status
    session[NEW_OBJECTION] = {"number": objection_number, "secret": filed.secret}
    return redirect(url_for("keberatan.submitted"), 303)


def checked_email(number: str | None) -> str | None:
    """The email this browser proved for the request on the status check (Cek
    Status, number and email): it stands in for the status link's key."""
    if not number:
        return None
    return (session.get(CHECKED) or {}).get(number.strip().upper())


def objection_fields(form: MultiDict) -> dict:
    """The form's fields for file_objection: every ticked `ground` box is one
    of the objection's grounds."""
    return {**form.to_dict(), "ground": None, "grounds": form.getlist("ground")}


def _form_page(values: MultiDict, error: FormError | None) -> str:
    values = MultiDict(values)
    values.pop("challenge_answer", None)
    return render_template(
        "public/keberatan/form.html",
        values=values,
        checked=bool(not values.get("kunci") and checked_email(values.get("request"))),
        error=error,
        grounds=list(GROUND_OPTIONS.items()),
        kind_options=list(REQUESTER_KIND_LABELS.items()),
        challenge=spam.new_challenge(current_app.secret_key),
        honeypot=spam.HONEYPOT_FIELD,
    )


@bp.get("/terkirim")
def submitted():
    filed = session.pop(NEW_OBJECTION, None)
    if not isinstance(filed, dict):
        return redirect(url_for("keberatan.form"))
    with current_archive().reading() as db:
        found = objection_status(db, number=filed["number"], secret=filed["secret"])
        return render_template(
            "public/keberatan/submitted.html",
            found=found,
            status_url=url_for(
                "keberatan.status",
                number=found.number,
                kunci=filed["secret"],
                _external=True,
            ),
        )


@bp.get("/status/<number>")
def status(number: str):
    with current_archive().reading() as db:
        found = objection_status(
            db, number=number, secret=request.args.get("kunci", "")
        )
        return render_template(
            "public/keberatan/status.html",
            found=found,
            grounds=GROUND_OPTIONS,
            states=OBJECTION_STATE_LABELS,
            decisions=DECISION_UI,
        )


@bp.get("/status/<number>/tanggapan.pdf")
def tanggapan(number: str):
    """The atasan PPID's written answer, for the objector (with the secret)."""
    archive = current_archive()
    with archive.reading() as db:
        found = objection_status(
            db, number=number, secret=request.args.get("kunci", "")
        )
        return send_tanggapan(archive, db, found)


def send_tanggapan(archive, db, found):
    """The tanggapan of a decided objection as a PDF download (objector's page,
    officers' page and API alike); 404 before the decision."""
    pdf = tanggapan_pdf(found, body=body_name(db), timezone=archive.settings.timezone)
    response = send_file(
        pdf,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"tanggapan-{found.number}.pdf",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
