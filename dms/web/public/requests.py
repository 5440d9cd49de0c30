"""The citizens' request pages (permohonan informasi): the form, the confirmation,
Cek Status, the status page, the receipt and withdrawal. Thin views over
dms.requests.service; plain HTML forms that work without JavaScript.

The status secret is shown once, on the confirmation page (reached by a redirect:
the secret rides one hop in the signed session cookie). A requester who checks
by number and email is remembered in the session, for the status page and the
receipt.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from dms import errors
from dms.db import utcnow
from dms.documents.services import Download
from dms.requests import spam
from dms.requests.models import (
    DELIVERIES,
    HOW_TO_OBTAIN,
    OPEN_STATES,
    InformationRequest,
)
from dms.requests.notice import notice_pdf
from dms.requests.receipt import receipt_pdf
from dms.requests.service import (
    HINT_FIELD,
    RequestUpload,
    body_name,
    check_status,
    hint_choices,
    submit_request,
    withdraw_request,
)
from dms.requests.workflow import OUTCOME_LABELS
from dms.web import body_limit, current_archive
from dms.web.downloads import send_version
from dms.web.forms import FORM_ERRORS, FormError
from dms.web.security import limiter

bp = Blueprint("permohonan", __name__, url_prefix="/permohonan")

# Per address, the form and the API together (one scope).
SUBMIT_RATE = "5 per minute;30 per hour"
CHECK_RATE = "20 per minute"
NEW_REQUEST = "permohonan_baru"
CHECKED = "permohonan_cek"
# How many checked requests one session remembers.
CHECKED_KEEP = 10

STATE_LABELS = {
    "submitted": _l("Diterima, menunggu diproses"),
    "disposed": _l("Diteruskan ke PPID Pelaksana"),
    "extended": _l("Waktu jawaban diperpanjang"),
    "answered": _l("Dijawab"),
    "closed": _l("Selesai"),
    "withdrawn": _l("Dibatalkan oleh pemohon"),
}
HOW_TO_OBTAIN_LABELS = dict(
    zip(
        HOW_TO_OBTAIN,
        (
            _l("Melihat"),
            _l("Membaca"),
            _l("Mendengarkan"),
            _l("Mencatat"),
            _l("Salinan elektronik (softcopy)"),
            _l("Salinan cetak (hardcopy)"),
        ),
        strict=True,
    )
)
DELIVERY_LABELS = dict(
    zip(
        DELIVERIES,
        (_l("Mengambil langsung"), _l("Pos"), _l("Kurir"), _l("Email")),
        strict=True,
    )
)
# The outcomes as the pages show them (the services' labels, translatable).
OUTCOME_UI = {
    "granted": _l("dikabulkan seluruhnya"),
    "granted_partly": _l("dikabulkan sebagian"),
    "refused_exempt_a": _l("ditolak — dikecualikan, Pasal 17 huruf a"),
    "refused_exempt_b": _l("ditolak — dikecualikan, Pasal 17 huruf b"),
    "refused_exempt_c": _l("ditolak — dikecualikan, Pasal 17 huruf c"),
    "refused_exempt_d": _l("ditolak — dikecualikan, Pasal 17 huruf d"),
    "refused_exempt_e": _l("ditolak — dikecualikan, Pasal 17 huruf e"),
    "refused_exempt_f": _l("ditolak — dikecualikan, Pasal 17 huruf f"),
    "refused_exempt_g": _l("ditolak — dikecualikan, Pasal 17 huruf g"),
    "refused_exempt_h": _l("ditolak — dikecualikan, Pasal 17 huruf h"),
    "refused_exempt_i": _l("ditolak — dikecualikan, Pasal 17 huruf i"),
    "refused_exempt_j": _l("ditolak — dikecualikan, Pasal 17 huruf j"),
    "not_held": _l("tidak dikuasai"),
    "not_documented": _l("belum didokumentasikan"),
    "not_public_information": _l("bukan permohonan informasi publik"),
}
assert set(OUTCOME_UI) == set(OUTCOME_LABELS)
REQUESTER_KIND_LABELS = {
    "person": _l("Perorangan"),
    "legal_entity": _l("Badan hukum"),
}
FILE_FIELDS = ("identity", "proxy_letter")
FORM_ENVELOPE_BYTES = 1024 * 1024


def submit_limit():
    """The shared rate limit of request submissions (the form and the API).

    Officers calling the API with a token are exempt (a bad token gets 401 and
    files nothing); the form ignores tokens, so a header does not exempt it.
    """
    return limiter.shared_limit(
        SUBMIT_RATE,
        scope="permohonan-submit",
        methods=["POST"],
        exempt_when=_officer_api_call,
    )


def _officer_api_call() -> bool:
    return "api" in request.blueprints and bool(request.headers.get("Authorization"))


def check_limit():
    """Cek Status by number and email, on the form and through the API: one
    shared limit per address, so numbers cannot be matched to emails by guessing.
    Officers with a token are exempt."""
    return limiter.shared_limit(
        CHECK_RATE,
        scope="permohonan-cek",
        exempt_when=_officer_api_call,
    )


# Two attachments and the form fields at most, whatever the archive allows.
body_limit(
    lambda settings: 2 * settings.request_max_upload_bytes + FORM_ENVELOPE_BYTES
)(bp)


# --- the form ------------------------------------------------------------------------


@bp.get("")
def form():
    """The empty form; ?opd=<slug> (from an OPD's PPID page) preselects the OPD
    the request is addressed to, and an unknown slug is ignored."""
    return _form_page(MultiDict(), None, addressed_to=request.args.get(HINT_FIELD))


@bp.post("")
@submit_limit()
def submit():
    archive = current_archive()
    try:
        with archive.transaction() as db:
            check_spam(db, request.form)
            filed = submit_request(
                db,
                archive.storage,
                actor=None,
                fields=request.form,
                files=uploaded_files(request.files),
                settings=archive.settings,
            )
            number = filed.request.number
    except FORM_ERRORS as exc:
        error = FormError.of("permohonan", exc)
        return _form_page(request.form, error), error.status
    session[NEW_REQUEST] = {"number": number, "secret": filed.secret}
    return redirect(url_for("permohonan.submitted"), 303)


def check_spam(db, fields) -> None:
    """The honeypot and the challenge of an anonymous form or API call; the
    challenge is spent in `db`, the transaction that files the submission, so
    it admits this one submission only."""
    spam.check_honeypot(fields.get(spam.HONEYPOT_FIELD))
    solved = spam.check_challenge(
        current_app.secret_key,
        fields.get("challenge_token"),
        fields.get("challenge_answer"),
    )
    spam.spend_challenge(db, solved, utcnow())


def uploaded_files(files) -> list[RequestUpload]:
    """The identity document and proxy letter of a multipart request, if chosen."""
    return [
        RequestUpload(kind, files[kind].stream, files[kind].filename or "")
        for kind in FILE_FIELDS
        if kind in files and files[kind].filename
    ]


def _form_page(
    values: MultiDict, error: FormError | None, addressed_to: str | None = None
) -> str:
    values = MultiDict(values)
    values.pop("challenge_answer", None)
    with current_archive().reading() as db:
        opd_options = [(o.slug, o.name) for o in hint_choices(db)]
    if addressed_to in dict(opd_options):
        values[HINT_FIELD] = addressed_to
    return render_template(
        "public/permohonan/form.html",
        values=values,
        error=error,
        challenge=spam.new_challenge(current_app.secret_key),
        honeypot=spam.HONEYPOT_FIELD,
        how_options=list(HOW_TO_OBTAIN_LABELS.items()),
        delivery_options=list(DELIVERY_LABELS.items()),
        kind_options=list(REQUESTER_KIND_LABELS.items()),
        opd_options=opd_options,
        max_file_mb=current_archive().settings.request_max_upload_mb,
    )


@bp.get("/terkirim")
def submitted():
    """The confirmation, once: the number, the status link and the receipt."""
    filed = session.pop(NEW_REQUEST, None)
    if not isinstance(filed, dict):
        return redirect(url_for("permohonan.check"))
    with current_archive().reading() as db:
        found = check_status(db, number=filed["number"], secret=filed["secret"])
        return render_template(
            "public/permohonan/submitted.html",
            found=found,
            status_url=status_url(found.number, filed["secret"]),
            receipt_url=url_for(
                "permohonan.receipt", number=found.number, kunci=filed["secret"]
            ),
            labels=STATE_LABELS,
        )


def status_url(number: str, secret: str) -> str:
    """The secret status link, whole (people copy it)."""
    return url_for("permohonan.status", number=number, kunci=secret, _external=True)


# --- Cek Status ----------------------------------------------------------------------


@bp.route("/cek", methods=["GET", "POST"])
@limiter.shared_limit(CHECK_RATE, scope="permohonan-cek", methods=["POST"])
def check():
    if request.method == "GET":
        return render_template(
            "public/permohonan/check.html", values=MultiDict(), error=None
        )
    number = request.form.get("number", "").strip().upper()
    email = request.form.get("email", "").strip()
    secret = request.form.get("secret", "").strip()
    try:
        with current_archive().reading() as db:
            check_status(db, number=number, email=email or None, secret=secret or None)
    except errors.NotFound as exc:
        error = FormError.of("cek", exc)
        page = render_template(
            "public/permohonan/check.html", values=request.form, error=error
        )
        return page, 404
    if secret:
        return redirect(url_for("permohonan.status", number=number, kunci=secret), 303)
    _remember(number, email)
    return redirect(url_for("permohonan.status", number=number), 303)


def _remember(number: str, email: str) -> None:
    checked = dict(session.get(CHECKED) or {})
    checked.pop(number, None)
    checked[number] = email
    session[CHECKED] = dict(list(checked.items())[-CHECKED_KEEP:])


def _found(db, number: str) -> tuple[InformationRequest, str | None]:
    """The request by the ?kunci= secret or the email checked in this session."""
    secret = request.values.get("kunci") or None
    email = None if secret else (session.get(CHECKED) or {}).get(number)
    return check_status(db, number=number, email=email, secret=secret), secret


@bp.get("/status/<number>")
def status(number: str):
    with current_archive().reading() as db:
        found, secret = _found(db, number)
        return render_template(
            "public/permohonan/status.html",
            found=found,
            secret=secret,
            labels=STATE_LABELS,
            how_labels=HOW_TO_OBTAIN_LABELS,
            delivery_labels=DELIVERY_LABELS,
            outcomes=OUTCOME_UI,
            can_withdraw=found.state in OPEN_STATES,
        )


@bp.get("/<number>/bukti.pdf")
def receipt(number: str):
    archive = current_archive()
    with archive.reading() as db:
        found, secret = _found(db, number)
        link = (
            status_url(found.number, secret)
            if secret
            else url_for("permohonan.check", _external=True)
        )
        pdf = receipt_pdf(
            found,
            body=body_name(db),
            status_url=link,
            timezone=archive.settings.timezone,
        )
    response = send_file(
        pdf,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"bukti-permohonan-{found.number}.pdf",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<number>/pemberitahuan.pdf")
def notice(number: str):
    """The written notice of the answer (pemberitahuan tertulis)."""
    archive = current_archive()
    with archive.reading() as db:
        found, _secret = _found(db, number)
        return send_notice(archive, db, found)


def send_notice(archive, db, found: InformationRequest):
    """The written notice of an answered request as a PDF download (requester's
    page, officers' page and API alike); 404 before the answer."""
    if found.outcome is None:
        raise errors.NotFound(_("Permohonan ini belum dijawab."))
    pdf = notice_pdf(
        found,
        body=body_name(db),
        timezone=archive.settings.timezone,
        portal_url=request.url_root.rstrip("/"),
    )
    response = send_file(
        pdf,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"pemberitahuan-{found.number}.pdf",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<number>/lampiran/<id:attachment_id>")
def attachment(number: str, attachment_id: int):
    archive = current_archive()
    with archive.reading() as db:
        found, _secret = _found(db, number)
        return send_attachment(archive, found, attachment_id)


def send_attachment(archive, found: InformationRequest, attachment_id: int):
    """Stream one of the answer's attachments (never an identity or proxy file)."""
    chosen = next((a for a in found.attachments if a.id == attachment_id), None)
    if chosen is None or found.outcome is None:
        raise errors.NotFound("Lampiran tidak ditemukan.")
    response = send_version(Download(None, chosen, archive.storage))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/daftar")
def public_log():
    """The public request log: number, subject, dates and outcome, nothing else."""
    archive = current_archive()
    if not archive.settings.public_request_log:
        raise errors.NotFound(_("Daftar permohonan tidak diterbitkan."))
    year = request.args.get("tahun", type=int) or archive.settings.local_today().year
    if not 2000 <= year <= 9999:
        raise errors.NotFound(_("Daftar permohonan tidak diterbitkan."))
    with archive.reading() as db:
        entries = public_log_entries(db, year)
        years = public_log_years(db)
    return render_template(
        "public/permohonan/log.html",
        entries=entries,
        year=year,
        years=years,
        labels=STATE_LABELS,
        outcomes=OUTCOME_UI,
    )


def public_log_entries(db, year: int) -> list[dict]:
    rows = db.execute(
        select(
            InformationRequest.number,
            InformationRequest.subject,
            InformationRequest.received_at,
            InformationRequest.due_on,
            InformationRequest.extended_due_on,
            InformationRequest.answered_at,
            InformationRequest.state,
            InformationRequest.outcome,
        )
        .where(InformationRequest.year == year)
        .order_by(InformationRequest.number)
    ).all()
    return [row._asdict() for row in rows]


def public_log_years(db) -> list[int]:
    return list(
        db.scalars(
            select(InformationRequest.year)
            .distinct()
            .order_by(InformationRequest.year.desc())
        )
    )


@bp.post("/<number>/batal")
def withdraw(number: str):
    secret = request.form.get("kunci", "")
    with current_archive().transaction() as db:
        withdraw_request(db, number=number, secret=secret)
    flash(_("Permohonan %(number)s telah dibatalkan.", number=number))
    return redirect(url_for("permohonan.status", number=number, kunci=secret), 303)


def init_app(app: Flask) -> None:
    app.add_template_global(STATE_LABELS, "request_state_labels")
    app.register_blueprint(bp)
