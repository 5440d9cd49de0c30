"""The officers' pages for requests and objections (/ruang-kerja/permohonan,
/ruang-kerja/keberatan): the list with due-soon and overdue flags, recording a
walk-in, letter, phone or email request, disposition, extension, the answer with
linked documents and attachments, the written notice; objections decided by the
atasan PPID, and disputes at the Komisi Informasi with hearings and decision.

Thin views over dms.requests.workflow and dms.requests.objections; a refusal is
shown on the form that asked for it, a request the officer may not read is 404.
"""

from __future__ import annotations

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
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from dms import errors
from dms.accounts.models import Organisation
from dms.accounts.roles import ATASAN_PPID, PPID_PELAKSANA, PPID_UTAMA
from dms.documents.services import Download
from dms.requests import objections, workflow
from dms.requests.models import (
    CHANNELS,
    DISPUTE_DECISIONS,
    HEARING_KINDS,
    OBJECTION_DECISIONS,
    OUTCOMES,
    REQUEST_STATES,
)
from dms.requests.service import RequestUpload, submit_request
from dms.web import current_archive
from dms.web.auth import roles_required
from dms.web.downloads import send_version
from dms.web.forms import FORM_ERRORS, FormError, signed_in_user
from dms.web.public.objections import (
    DECISION_UI,
    GROUND_OPTIONS,
    OBJECTION_STATE_LABELS,
    objection_fields,
    send_tanggapan,
)
from dms.web.public.requests import (
    DELIVERY_LABELS,
    HOW_TO_OBTAIN_LABELS,
    OUTCOME_UI,
    REQUESTER_KIND_LABELS,
    STATE_LABELS,
    uploaded_files,
)
from dms.workdays import working_calendar

bp = Blueprint("layanan", __name__, url_prefix="/ruang-kerja")

HANDLERS = (PPID_UTAMA, PPID_PELAKSANA)
READERS = (PPID_UTAMA, PPID_PELAKSANA, ATASAN_PPID)
DISPUTE_OFFICERS = (PPID_UTAMA, ATASAN_PPID)
CHANNEL_LABELS = {
    "web": _l("Formulir daring"),
    "walk_in": _l("Datang langsung"),
    "letter": _l("Surat"),
    "phone": _l("Telepon"),
    "email": _l("Email"),
}
FLAG_LABELS = {
    "overdue": _l("Terlambat"),
    "due_soon": _l("Segera jatuh tempo"),
    "answered_late": _l("Dijawab terlambat"),
}
DISPUTE_UI = {
    "granted": _l("permohonan dikabulkan seluruhnya"),
    "granted_partly": _l("permohonan dikabulkan sebagian"),
    "refused": _l("permohonan ditolak"),
    "settled": _l("selesai melalui mediasi"),
    "dismissed": _l("gugur / tidak dapat diterima"),
}
HEARING_UI = {
    "preliminary": _l("pemeriksaan awal"),
    "mediation": _l("mediasi"),
    "adjudication": _l("ajudikasi"),
    "verdict": _l("pembacaan putusan"),
}
OUTCOME_OPTIONS = [(code, OUTCOME_UI[code]) for code in OUTCOMES]
DECISION_OPTIONS = [(c, DECISION_UI[c]) for c in OBJECTION_DECISIONS]
DISPUTE_OPTIONS = [(c, DISPUTE_UI[c]) for c in DISPUTE_DECISIONS]
HEARING_OPTIONS = [(c, HEARING_UI[c]) for c in HEARING_KINDS]


@bp.context_processor
def labels():
    return {
        "request_states": STATE_LABELS,
        "channel_labels": CHANNEL_LABELS,
        "flag_labels": FLAG_LABELS,
        "outcome_labels": OUTCOME_UI,
        "how_labels": HOW_TO_OBTAIN_LABELS,
        "delivery_labels": DELIVERY_LABELS,
        "ground_options": GROUND_OPTIONS,
        "objection_states": OBJECTION_STATE_LABELS,
        "objection_decisions": DECISION_UI,
        "dispute_decisions": DISPUTE_UI,
        "hearing_labels": HEARING_UI,
    }


# --- requests -------------------------------------------------------------------------


@bp.get("/permohonan")
@roles_required(*READERS)
def requests():
    archive = current_archive()
    state = request.args.get("status") or None
    flag = request.args.get("tanda") or None
    state = state if state in REQUEST_STATES else None
    flag = flag if flag in ("overdue", "due_soon") else None
    with archive.reading() as db:
        actor = signed_in_user(db)
        days = working_calendar(db, archive.settings)
        today = archive.settings.local_today()
        found = workflow.list_requests(
            db,
            actor=actor,
            calendar=days,
            today=today,
            filters=workflow.RequestFilter(state=state, flag=flag),
        )
        rows = [(r, workflow.flags(r, days, today)) for r in found]
        return render_template(
            "workspace/layanan/requests.html",
            rows=rows,
            state=state,
            flag=flag,
            state_options=list(STATE_LABELS.items()),
        )


@bp.route("/permohonan/baru", methods=["GET", "POST"])
@roles_required(*HANDLERS)
def new_request():
    """Record a request brought in person, by letter, phone or email."""
    archive = current_archive()
    if request.method == "GET":
        return _new_request_page(MultiDict({"channel": "walk_in"}), None)
    try:
        with archive.transaction() as db:
            filed = submit_request(
                db,
                archive.storage,
                actor=signed_in_user(db),
                fields=request.form,
                files=uploaded_files(request.files),
                settings=archive.settings,
            )
            number = filed.request.number
    except FORM_ERRORS as exc:
        error = FormError.of("permohonan", exc)
        return _new_request_page(request.form, error), error.status
    flash(
        _(
            "Permohonan %(number)s dicatat. Serahkan bukti permohonan kepada pemohon.",
            number=number,
        )
    )
    return redirect(url_for(".request_page", number=number), 303)


def _new_request_page(values, error):
    return render_template(
        "workspace/layanan/new_request.html",
        values=values,
        error=error,
        channels=[(c, CHANNEL_LABELS[c]) for c in CHANNELS if c != "web"],
        kind_options=list(REQUESTER_KIND_LABELS.items()),
        how_options=list(HOW_TO_OBTAIN_LABELS.items()),
        delivery_options=list(DELIVERY_LABELS.items()),
    )


@bp.get("/permohonan/<number>")
@roles_required(*READERS)
def request_page(number: str, error: FormError | None = None, status: int = 200):
    archive = current_archive()
    with archive.reading() as db:
        actor = signed_in_user(db)
        found = workflow.get_request(db, actor=actor, number=number)
        days = working_calendar(db, archive.settings)
        today = archive.settings.local_today()
        organisations = db.scalars(
            select(Organisation).order_by(Organisation.name)
        ).all()
        page = render_template(
            "workspace/layanan/request.html",
            found=found,
            flags=workflow.flags(found, days, today),
            handles=workflow.handles(actor, found),
            actor=actor,
            error=error,
            values=request.form if error else _disposition_hint(found),
            organisations=[(o.slug, o.name) for o in organisations],
            outcome_options=OUTCOME_OPTIONS,
            ground_choices=list(GROUND_OPTIONS.items()),
            objection_channels=[(c, CHANNEL_LABELS[c]) for c in CHANNELS if c != "web"],
            objections=[o for o in _request_objections(db, found)],
            today=today,
            link_words=_link_words(),
            to_link=[
                (str(d.id), _document_choice(d))
                for d in workflow.documents_to_link(db, _link_words())
            ],
        )
    return page, status


def _disposition_hint(found) -> MultiDict:
    """The disposition form's first choice: the OPD the requester addressed the
    request to, until the Utama has disposed it."""
    if found.hinted_organisation is None or found.dispositions:
        return MultiDict()
    return MultiDict({"organisations": found.hinted_organisation.slug})


def _link_words() -> str:
    """The title search for documents to link to the answer (?cari=)."""
    return " ".join(request.args.get("cari", "").split())[:200]


def _document_choice(document) -> str:
    year = f" · {document.year}" if document.year else ""
    return f"{document.title} — {document.organisation.name}{year} (ID {document.id})"


def _request_objections(db, found):
    from dms.requests.models import Objection

    query = select(Objection).where(Objection.request_id == found.id)
    return db.scalars(query.order_by(Objection.id)).all()


def _on_request(number: str, form: str, apply):
    return _on_form(request_page, "request_page", number, form, apply)


def _on_form(page, endpoint: str, number: str, form: str, apply):
    """Run one step in a transaction: apply(db, actor, calendar, today) returns
    the message to flash; a refusal is shown on the page's form `form`."""
    archive = current_archive()
    try:
        with archive.transaction() as db:
            message = apply(
                db,
                signed_in_user(db),
                working_calendar(db, archive.settings),
                archive.settings.local_today(),
            )
    except FORM_ERRORS as exc:
        error = FormError.of(form, exc)
        return page(number, error, error.status)
    flash(message)
    return redirect(url_for(f".{endpoint}", number=number), 303)


@bp.post("/permohonan/<number>/disposisi")
@roles_required(PPID_UTAMA)
def dispose(number: str):
    def apply(db, actor, days, today):
        workflow.dispose(
            db,
            actor=actor,
            number=number,
            organisations=request.form.getlist("organisations"),
            subject=request.form.get("subject", ""),
            note=request.form.get("note", ""),
        )
        return _("Permohonan didisposisikan.")

    return _on_request(number, "disposisi", apply)


@bp.post("/permohonan/<number>/perpanjang")
@roles_required(*HANDLERS)
def extend(number: str):
    def apply(db, actor, days, today):
        found = workflow.extend(
            db,
            actor=actor,
            number=number,
            days=request.form.get("days"),
            reason=request.form.get("reason", ""),
            calendar=days,
            today=today,
        )
        return _(
            "Jangka waktu diperpanjang sampai %(day)s.",
            day=found.extended_due_on.isoformat(),
        )

    return _on_request(number, "perpanjang", apply)


@bp.post("/permohonan/<number>/jawab")
@roles_required(*HANDLERS)
def answer(number: str):
    archive = current_archive()
    # Ticked in the title search ("linked") and/or typed as IDs ("documents").
    documents = [
        part.strip()
        for value in request.form.getlist("linked") + request.form.getlist("documents")
        for part in value.replace(";", ",").split(",")
        if part.strip()
    ]
    attachments = [
        RequestUpload("answer", f.stream, f.filename or "")
        for f in request.files.getlist("attachments")
        if f.filename
    ]

    def apply(db, actor, days, today):
        workflow.answer(
            db,
            archive.storage,
            actor=actor,
            number=number,
            outcome=request.form.get("outcome", ""),
            answer_text=request.form.get("answer_text", ""),
            documents=documents,
            attachments=attachments,
            consequence_test=request.form.get("consequence_test") or None,
            holder_name=request.form.get("holder_name", ""),
            cost=request.form.get("cost") or 0,
            max_attachment_bytes=archive.settings.max_upload_bytes,
        )
        return _("Jawaban tersimpan dan dikirim kepada pemohon.")

    return _on_request(number, "jawab", apply)


@bp.post("/permohonan/<number>/tutup")
@roles_required(*HANDLERS)
def close(number: str):
    def apply(db, actor, days, today):
        workflow.close(db, actor=actor, number=number)
        return _("Permohonan ditutup.")

    return _on_request(number, "tutup", apply)


@bp.get("/permohonan/<number>/pemberitahuan.pdf")
@roles_required(*READERS)
def notice(number: str):
    from dms.web.public.requests import send_notice

    archive = current_archive()
    with archive.reading() as db:
        found = workflow.get_request(db, actor=signed_in_user(db), number=number)
        return send_notice(archive, db, found)


@bp.get("/permohonan/<number>/berkas/<id:file_id>")
@roles_required(*HANDLERS)
def request_file(number: str, file_id: int):
    """The requester's identity document or proxy letter: handlers only."""
    archive = current_archive()
    with archive.reading() as db:
        actor = signed_in_user(db)
        found = workflow.get_request(db, actor=actor, number=number)
        chosen = next((f for f in found.files if f.id == file_id), None)
        if chosen is None or not workflow.handles(actor, found):
            raise errors.NotFound(_("Berkas tidak ditemukan."))
        response = send_version(Download(None, chosen, archive.storage))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/permohonan/<number>/lampiran/<id:attachment_id>")
@roles_required(*READERS)
def attachment(number: str, attachment_id: int):
    from dms.web.public.requests import send_attachment

    archive = current_archive()
    with archive.reading() as db:
        found = workflow.get_request(db, actor=signed_in_user(db), number=number)
        return send_attachment(archive, found, attachment_id)


@bp.post("/permohonan/<number>/keberatan")
@roles_required(*HANDLERS)
def record_objection(number: str):
    """An objection to this request brought in person or by letter."""
    archive = current_archive()
    try:
        with archive.transaction() as db:
            filed = objections.file_objection(
                db,
                actor=signed_in_user(db),
                fields=objection_fields(request.form),
                calendar=working_calendar(db, archive.settings),
                request_number=number,
            )
            objection_number = filed.objection.number
    except FORM_ERRORS as exc:
        error = FormError.of("keberatan", exc)
        return request_page(number, error, error.status)
    flash(_("Keberatan %(number)s dicatat.", number=objection_number))
    return redirect(url_for(".objection_page", number=objection_number), 303)


# --- objections and disputes ---------------------------------------------------------


@bp.get("/keberatan")
@roles_required(*READERS)
def objection_list():
    archive = current_archive()
    with archive.reading() as db:
        found = objections.list_objections(db, actor=signed_in_user(db))
        days = working_calendar(db, archive.settings)
        today = archive.settings.local_today()
        rows = [(o, objections.objection_flags(o, days, today)) for o in found]
        return render_template("workspace/layanan/objections.html", rows=rows)


@bp.get("/keberatan/<number>")
@roles_required(*READERS)
def objection_page(number: str, error: FormError | None = None, status: int = 200):
    archive = current_archive()
    with archive.reading() as db:
        actor = signed_in_user(db)
        found = objections.get_objection(db, actor=actor, number=number)
        days = working_calendar(db, archive.settings)
        page = render_template(
            "workspace/layanan/objection.html",
            found=found,
            actor=actor,
            error=error,
            values=request.form if error else MultiDict(),
            late={d.id: objections.filed_late(d, days) for d in found.disputes},
            flags=objections.objection_flags(
                found, days, archive.settings.local_today()
            ),
            decision_options=DECISION_OPTIONS,
            dispute_options=DISPUTE_OPTIONS,
            hearing_options=HEARING_OPTIONS,
            can_record=actor.role in DISPUTE_OFFICERS,
            today=archive.settings.local_today(),
        )
    return page, status


@bp.get("/keberatan/<number>/tanggapan.pdf")
@roles_required(*READERS)
def objection_tanggapan(number: str):
    archive = current_archive()
    with archive.reading() as db:
        found = objections.get_objection(db, actor=signed_in_user(db), number=number)
        return send_tanggapan(archive, db, found)


def _on_objection(number: str, form: str, apply):
    return _on_form(objection_page, "objection_page", number, form, apply)


@bp.post("/keberatan/<number>/putus")
@roles_required(ATASAN_PPID)
def decide_objection(number: str):
    def apply(db, actor, days, today):
        objections.decide_objection(
            db,
            actor=actor,
            number=number,
            decision=request.form.get("decision", ""),
            decision_text=request.form.get("decision_text", ""),
        )
        return _("Tanggapan atas keberatan tersimpan dan dikirim kepada pemohon.")

    return _on_objection(number, "putus", apply)


@bp.post("/keberatan/<number>/sengketa")
@roles_required(*DISPUTE_OFFICERS)
def record_dispute(number: str):
    def apply(db, actor, days, today):
        objections.record_dispute(
            db,
            actor=actor,
            objection_number=number,
            register_number=request.form.get("register_number", ""),
            filed_on=request.form.get("filed_on", ""),
            calendar=days,
            today=today,
        )
        return _("Sengketa informasi dicatat.")

    return _on_objection(number, "sengketa", apply)


@bp.post("/keberatan/<number>/sengketa/<id:dispute_id>/sidang")
@roles_required(*DISPUTE_OFFICERS)
def add_hearing(number: str, dispute_id: int):
    def apply(db, actor, days, today):
        objections.add_hearing(
            db,
            actor=actor,
            dispute_id=dispute_id,
            held_on=request.form.get("held_on", ""),
            kind=request.form.get("kind", ""),
            note=request.form.get("note", ""),
            today=today,
        )
        return _("Sidang dicatat.")

    return _on_objection(number, f"sidang-{dispute_id}", apply)


@bp.post("/keberatan/<number>/sengketa/<id:dispute_id>/putusan")
@roles_required(*DISPUTE_OFFICERS)
def decide_dispute(number: str, dispute_id: int):
    def apply(db, actor, days, today):
        objections.decide_dispute(
            db,
            actor=actor,
            dispute_id=dispute_id,
            decision=request.form.get("decision", ""),
            decision_number=request.form.get("decision_number", ""),
            decided_on=request.form.get("decided_on", ""),
            decision_text=request.form.get("decision_text", ""),
            open_test=request.form.get("open_test") or None,
            today=today,
        )
        return _("Putusan Komisi Informasi dicatat.")

    return _on_objection(number, f"putusan-{dispute_id}", apply)


def service_summary() -> dict[str, int]:
    """The dashboards' counts for the logged-in officer: open requests they
    handle, overdue, due soon; objections awaiting an answer."""
    from flask_login import current_user

    from dms.requests.models import OPEN_STATES, InformationRequest

    if not current_user.is_authenticated or current_user.role not in READERS:
        return {}
    archive = current_archive()
    with archive.reading() as db:
        actor = signed_in_user(db)
        days = working_calendar(db, archive.settings)
        today = archive.settings.local_today()
        found = db.scalars(
            select(InformationRequest).where(
                workflow.visible_requests_clause(actor),
                InformationRequest.state.in_(OPEN_STATES),
            )
        ).all()
        flagged = [workflow.flags(r, days, today) for r in found]
        waiting = [
            objections.objection_flags(o, days, today)
            for o in objections.list_objections(db, actor=actor)
            if o.state == "submitted"
        ]
        return {
            "open": len(found),
            "overdue": sum("overdue" in f for f in flagged),
            "due_soon": sum("due_soon" in f for f in flagged),
            "objections": len(waiting),
            "objections_overdue": sum("overdue" in f for f in waiting),
            "objections_due_soon": sum("due_soon" in f for f in waiting),
        }


def init_app(app: Flask) -> None:
    app.add_template_global(service_summary, "service_summary")
    app.register_blueprint(bp)
