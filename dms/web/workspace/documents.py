"""The officers' workspace: dashboards, uploads, versions, approvals, tests.

Server-rendered and complete without JavaScript (static/upload.js only adds drag
and drop and a progress bar to the upload). Views parse the form, call one
service and render; the services decide who may do what. A refused action is
shown on the form that asked for it, with the service's Indonesian message and
the matching status; a document or test the officer may not see is a 404 page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Flask,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select
from werkzeug.datastructures import MultiDict

from dms import errors
from dms.accounts import service as accounts
from dms.accounts.models import User
from dms.accounts.roles import ADMIN, ATASAN_PPID, PPID_PELAKSANA, PPID_UTAMA
from dms.categories import (
    BERKALA,
    DIKECUALIKAN,
    SERTA_MERTA,
    SETIAP_SAAT,
    is_exempt,
    publishes_at_once,
)
from dms.classification import exemptions, rules
from dms.classification.penetapan import period_text
from dms.classification.registers import legal_basis
from dms.classification.suggest import suggest_for_document
from dms.db import utcnow
from dms.documents import services
from dms.documents.access import can_change, sees_unpublished, visible_clause
from dms.documents.consequence_tests import (
    ACTIVE,
    DECISIONS,
    GROUNDS,
    PERIOD_KINDS,
    RECORDED,
)
from dms.documents.models import (
    DIP_FORMS,
    DRAFT,
    PENDING,
    PUBLISHED,
    STATUSES,
    WITHDRAWN,
    Document,
)
from dms.documents.services import ListQuery, NewDocument
from dms.web import current_archive
from dms.web.auth import roles_required
from dms.web.downloads import send_version
from dms.web.forms import (
    FORM_ERRORS,
    FormError,
    options,
    organisation_options,
    signed_in_user,
)

bp = Blueprint("workspace", __name__, url_prefix="/ruang-kerja")

OFFICERS = (PPID_PELAKSANA, PPID_UTAMA, ATASAN_PPID)
UPLOADERS = (PPID_PELAKSANA, PPID_UTAMA)
# Refusals shown on the form; NotFound (and the rest) go to the error pages.
UPLOAD_CATEGORIES = (BERKALA, SERTA_MERTA, SETIAP_SAAT)
DASHBOARD_PAGE = 50
MAX_PAGE = 100_000

STATUS_LABELS = {
    DRAFT: _l("Draf"),
    PENDING: _l("Menunggu persetujuan"),
    PUBLISHED: _l("Terbit"),
    WITHDRAWN: _l("Ditarik"),
}
CATEGORY_LABELS = {
    BERKALA: _l("Berkala"),
    SERTA_MERTA: _l("Serta merta"),
    SETIAP_SAAT: _l("Setiap saat"),
    DIKECUALIKAN: _l("Dikecualikan"),
}
DIP_LABELS = {
    "dip_unit": _l("Pejabat/unit yang menguasai informasi"),
    "dip_responsible": _l("Penanggung jawab pembuatan informasi"),
    "dip_production_time": _l("Waktu pembuatan informasi"),
    "dip_production_place": _l("Tempat pembuatan informasi"),
    "dip_form": _l("Bentuk informasi yang tersedia"),
    "dip_retention": _l("Jangka waktu penyimpanan"),
}
# Serta merta published or changed by an OPD: listed for review this long.
REVIEW_WINDOW = timedelta(days=30)
ACTION_LABELS = {
    "document.publish": _l("diterbitkan"),
    "document.update": _l("metadata diubah"),
    "version.create": _l("versi baru"),
    "version.publish": _l("versi baru diterbitkan"),
    "version.decline": _l("versi baru ditolak"),
}
# Every field whose change on a published document may wait for approval.
FIELD_LABELS = {
    "title": _l("Judul"),
    "summary": _l("Ringkasan isi"),
    "year": _l("Tahun"),
    "info_type": _l("Jenis informasi"),
    "category": _l("Kategori"),
    "refresh_months": _l("Periode pembaruan (bulan, khusus berkala)"),
    "event_at": _l("Waktu kejadian (khusus serta merta)"),
    "pinned": _l("Disematkan di beranda"),
    **DIP_LABELS,
}
DIP_FORM_LABELS = {
    "print": _l("Cetak"),
    "recording": _l("Rekaman"),
    "electronic": _l("Elektronik"),
}
TEST_STATE_LABELS = {
    "proposed": _l("Diusulkan"),
    "recorded": _l("Dicatat, menunggu keputusan atasan PPID"),
    "approved": _l("Disetujui"),
    "rejected": _l("Ditolak"),
    "cancelled": _l("Dibatalkan"),
}
DECISION_LABELS = {
    "exempt_whole": _l("Dikecualikan seluruhnya"),
    "exempt_part": _l("Dikecualikan sebagian (versi publik dihitamkan)"),
    "not_exempt": _l("Tidak dikecualikan (terbuka)"),
}
PERIOD_KIND_LABELS = {
    "date": _l("Sampai tanggal tertentu"),
    "duration": _l("Selama jangka waktu tertentu"),
    "event": _l("Sampai peristiwa tertentu terjadi"),
    "indefinite": _l("Tanpa batas waktu (hanya huruf g-j)"),
}
GROUND_LABELS = {
    "a": _l("a. menghambat proses penegakan hukum"),
    "b": _l("b. mengganggu perlindungan HKI dan persaingan usaha yang sehat"),
    "c": _l("c. membahayakan pertahanan dan keamanan negara"),
    "d": _l("d. mengungkapkan kekayaan alam Indonesia"),
    "e": _l("e. merugikan ketahanan ekonomi nasional"),
    "f": _l("f. merugikan kepentingan hubungan luar negeri"),
    "g": _l("g. mengungkap isi akta otentik yang bersifat pribadi atau wasiat"),
    "h": _l("h. mengungkap rahasia pribadi"),
    "i": _l("i. memorandum atau surat antar/intra badan publik yang dirahasiakan"),
    "j": _l("j. dilarang diungkapkan berdasarkan undang-undang lain"),
}
AUTHORITY_LABELS = {
    exemptions.KOMISI_INFORMASI: _l("Putusan Komisi Informasi"),
    exemptions.COURT: _l("Putusan pengadilan"),
    exemptions.EVENT: _l("Peristiwa yang mengakhiri pengecualian telah terjadi"),
}
EXEMPTION_STATUS_LABELS = {
    ACTIVE: _l("Berlaku"),
    "expired": _l("Berakhir (jangka waktu habis)"),
    "opened": _l("Dibuka oleh putusan"),
    "superseded": _l("Digantikan uji baru"),
}


@bp.context_processor
def labels() -> dict[str, Any]:
    return {
        "status_labels": STATUS_LABELS,
        "category_labels": CATEGORY_LABELS,
        "dip_labels": DIP_LABELS,
        "field_labels": FIELD_LABELS,
        "action_labels": ACTION_LABELS,
        "dip_form_labels": DIP_FORM_LABELS,
        "test_state_labels": TEST_STATE_LABELS,
        "decision_labels": DECISION_LABELS,
        "period_kind_labels": PERIOD_KIND_LABELS,
        "ground_labels": GROUND_LABELS,
        "authority_labels": AUTHORITY_LABELS,
        "exemption_status_labels": EXEMPTION_STATUS_LABELS,
        "options": options,
        "organisation_options": organisation_options,
    }


# --- the dashboard ---------------------------------------------------------------


@bp.get("")
@roles_required()
def dashboard():
    if current_user.role == ADMIN:
        return redirect(url_for("admin.index"))
    with current_archive().reading() as session:
        actor = signed_in_user(session)
        if actor.role == ATASAN_PPID:
            waiting = exemptions.list_tests(session, actor=actor, state=RECORDED)
            return render_template("workspace/dashboard_atasan.html", tests=waiting)
        if actor.role == PPID_UTAMA:
            return _utama_dashboard(session, actor)
        return render_template(
            "workspace/dashboard.html", groups=_own_documents(session, actor)
        )


def _own_documents(session, actor: User) -> list[tuple[str, Any]]:
    """The Pelaksana's organisation's documents, one page per status."""
    slug = actor.organisation.slug if actor.organisation else "-"
    return [
        (
            status,
            services.list_documents(
                session,
                actor=actor,
                query=ListQuery(org=slug, status=status, per_page=DASHBOARD_PAGE),
            ),
        )
        for status in STATUSES
    ]


def _utama_dashboard(session, actor: User):
    org = request.args.get("org") or None
    status = request.args.get("status") or None
    page_number = request.args.get("page", "1")
    try:
        page = services.list_documents(
            session,
            actor=actor,
            query=ListQuery(
                org=org,
                status=status,
                page=min(max(int(page_number), 1), MAX_PAGE)
                if page_number.isdigit()
                else 1,
                per_page=DASHBOARD_PAGE,
            ),
        )
    except errors.ValidationError as exc:
        error = FormError.of("filter", exc)
        page = None
    else:
        error = None
    counts = {
        name: services.list_documents(
            session, actor=actor, query=ListQuery(status=name, per_page=1)
        ).total
        for name in STATUSES
    }
    response = render_template(
        "workspace/dashboard_utama.html",
        page=page,
        counts=counts,
        organisations=accounts.list_organisations(session),
        chosen={"org": org or "", "status": status or ""},
        error=error,
    )
    return response, 400 if error else 200


# --- uploading -------------------------------------------------------------------


@bp.route("/unggah", methods=["GET", "POST"])
@roles_required(*UPLOADERS)
def upload():
    if request.method == "GET":
        return _upload_page(MultiDict({"dip_form": "electronic"}), None)
    archive = current_archive()
    try:
        fields = _new_document(request.form, archive.settings.timezone)
        file = _required_file(request.files.get("file"))
        reason = request.form.get("reason", "").strip()
        with archive.transaction() as session:
            document, _test = exemptions.upload_document(
                session,
                archive.storage,
                actor=signed_in_user(session),
                fileobj=file.stream,
                filename=file.filename or "",
                fields=fields,
                max_size=archive.settings.max_upload_bytes,
                propose_exemption=reason,
            )
            document_id, title, status = document.id, document.title, document.status
            warning = document.versions[-1].upload_warning
    except FORM_ERRORS as exc:
        error = FormError.of("upload", exc, "file" if _about_file(exc) else None)
        return _upload_page(request.form, error), error.status
    flash(_uploaded_message(title, status, bool(reason)))
    _flash_warning(warning)
    target = url_for(".document", document_id=document_id)
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        # upload.js navigates itself; a followed redirect would eat the message.
        return jsonify(location=target), 201
    return redirect(target)


def _flash_warning(warning: str) -> None:
    """Tell the uploader what the archive noticed about the file (encrypted PDF)."""
    if warning:
        flash(f"{_('Peringatan:')} {warning}")


def _upload_page(values: MultiDict, error: FormError | None) -> str:
    with current_archive().reading() as session:
        organisations = (
            accounts.list_organisations(session)
            if current_user.role == PPID_UTAMA
            else []
        )
        return render_template(
            "workspace/upload.html",
            values=values,
            error=error,
            organisations=organisations,
            categories=UPLOAD_CATEGORIES,
            dip_forms=DIP_FORMS,
            max_upload_mb=current_archive().settings.max_upload_bytes // (1024 * 1024),
        )


def _about_file(exc: errors.DomainError) -> bool:
    return isinstance(
        exc, errors.BadInput | errors.FileTooLarge | errors.UnsupportedFileType
    )


def _required_file(file):
    if file is None or not file.filename:
        raise errors.ValidationError(_("Pilih berkas yang akan diunggah."), "file")
    return file


def _new_document(form: MultiDict, timezone: str) -> NewDocument:
    category = form.get("category", "")
    return NewDocument(
        title=form.get("title", ""),
        category=category,
        org_slug=form.get("org") or None,
        year=form.get("year") or None,
        summary=form.get("summary", ""),
        info_type=form.get("info_type", ""),
        dip=_dip_fields(form),
        publish=form.get("action") == "submit",
        refresh_months=(form.get("refresh_months") or None)
        if category == BERKALA
        else None,
        event_at=_local_time(form.get("event_at", ""), timezone)
        if category == SERTA_MERTA
        else None,
    )


def _dip_fields(form: MultiDict) -> dict[str, str]:
    fields = {
        name: form.get(name, "") for name in services.DIP_FIELDS if name != "dip_form"
    }
    fields["dip_form"] = ",".join(form.getlist("dip_form"))
    return fields


def _local_time(value: str, timezone: str) -> datetime | None:
    """A datetime-local input's value, read in the public body's time zone."""
    if not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise errors.ValidationError(
            _("Waktu kejadian tidak valid; isi tanggal dan jam kejadian."), "event_at"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment


def _local_input(moment: datetime | None, timezone: str) -> str:
    """A stored time as a datetime-local input shows it."""
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%dT%H:%M")


def _uploaded_message(title: str, status: str, proposed: bool) -> str:
    if proposed:
        return _(
            "Dokumen “%(title)s” tersimpan sebagai draf dan pengecualiannya "
            "diusulkan kepada PPID Utama.",
            title=title,
        )
    if status == PUBLISHED:
        return _("Dokumen “%(title)s” telah diterbitkan.", title=title)
    if status == PENDING:
        return _(
            "Dokumen “%(title)s” diajukan untuk persetujuan PPID Utama.", title=title
        )
    return _("Dokumen “%(title)s” tersimpan sebagai draf.", title=title)


# --- one document ----------------------------------------------------------------


@bp.get("/dokumen/<id:document_id>")
@roles_required(*OFFICERS)
def document(document_id: int):
    return _document_page(document_id, None)


def _document_page(document_id: int, error: FormError | None):
    archive = current_archive()
    with archive.reading() as session:
        actor = signed_in_user(session)
        document = _workspace_document(session, actor, document_id)
        timezone = archive.settings.timezone
        undecided_test = services.awaiting_exemption_test(session, document.id)
        page = render_template(
            "workspace/document.html",
            document=document,
            versions=services.visible_versions(actor, document),
            tests=exemptions.list_tests(session, actor=actor, document_id=document.id),
            suggestion=_suggestion(session, actor, document),
            may_change=can_change(actor, document),
            actions=_actions(actor, document, undecided_test=undecided_test),
            undecided_test=undecided_test,
            metadata=_submitted("metadata", error)
            or _metadata_values(document, timezone),
            submitted=request.form if error else MultiDict(),
            error=error,
            categories=_editable_categories(document),
            dip_forms=DIP_FORMS,
            grounds=GROUNDS,
            original=_visible_original(actor, document),
        )
    return page, error.status if error else 200


def _workspace_document(session, actor: User, document_id: int) -> Document:
    """The document if the officer sees more of it than the public does; the
    portal shows the rest. NotFound otherwise."""
    document = services.get_document(session, actor=actor, document_id=document_id)
    if not sees_unpublished(actor, document):
        raise errors.NotFound(_("Dokumen %(id)s tidak ditemukan.", id=document_id))
    return document


def _visible_original(actor: User, document: Document) -> Document | None:
    original = document.redacted_from
    if original is not None and sees_unpublished(actor, original):
        return original
    return None


def _submitted(form: str, error: FormError | None) -> MultiDict | None:
    return request.form if error is not None and error.form == form else None


def _suggestion(session, actor: User, document: Document):
    """The category the words suggest (with the extracted text when there is
    some); only for those who may change the document."""
    try:
        return suggest_for_document(session, actor=actor, document_id=document.id)
    except (errors.Forbidden, errors.NotFound):
        return None


def _editable_categories(document: Document) -> tuple[str, ...]:
    if is_exempt(document.category):
        return (DIKECUALIKAN,)
    return UPLOAD_CATEGORIES


def _metadata_values(document: Document, timezone: str) -> MultiDict:
    """The form's values: the changes waiting for approval over the approved
    text, so that saving the form again keeps them."""
    waiting = document.pending_changes or {}

    def value(name: str):
        return waiting[name] if name in waiting else getattr(document, name)

    event_at = value("event_at")
    if isinstance(event_at, str):
        event_at = datetime.fromisoformat(event_at)
    values = MultiDict(
        {
            "title": value("title"),
            "summary": value("summary"),
            "category": document.category,
            "year": str(value("year") or ""),
            "info_type": value("info_type"),
            "refresh_months": str(value("refresh_months") or ""),
            "event_at": _local_input(event_at, timezone),
        }
    )
    for name in services.DIP_FIELDS:
        if name != "dip_form":
            values[name] = value(name)
    for form in (value("dip_form") or "").split(","):
        if form.strip():
            values.add("dip_form", form.strip())
    return values


@dataclass(frozen=True)
class Actions:
    """Which transition buttons the page offers; the services still decide."""

    submit: bool = False
    publish: bool = False
    publish_label: str = ""
    return_to_draft: bool = False
    decline_version: bool = False
    withdraw: bool = False
    propose: bool = False


def _actions(actor: User, document: Document, *, undecided_test: bool) -> Actions:
    """What the actor may do now; nothing opens a document whose proposed
    exemption is still undecided (`undecided_test`)."""
    if not can_change(actor, document):
        return Actions()
    # Exempt, or proposed for exemption and undecided: nothing may open it.
    closed = is_exempt(document.category) or undecided_test
    awaiting_test = document.redacted_from_id is not None and (
        document.published_version == 0
    )
    may_publish = actor.role == PPID_UTAMA or (
        publishes_at_once(document.category) and document.redacted_from_id is None
    )
    newer_version = document.published_version < document.current_version
    newer = document.status == PUBLISHED and (
        newer_version or bool(document.pending_changes)
    )
    publishable = document.status in (DRAFT, PENDING, WITHDRAWN) or newer
    if newer and newer_version:
        label = _("Terbitkan versi %(n)s", n=document.current_version)
    elif newer:
        label = _("Setujui dan terbitkan")
    else:
        label = _("Terbitkan")
    return Actions(
        submit=document.status == DRAFT and not closed and not awaiting_test,
        publish=may_publish and publishable and not closed and not awaiting_test,
        publish_label=label,
        return_to_draft=document.status == PENDING,
        decline_version=may_publish
        and document.status == PUBLISHED
        and newer_version
        and not awaiting_test,
        withdraw=document.status in (PENDING, PUBLISHED),
        propose=not awaiting_test,
    )


@bp.post("/dokumen/<id:document_id>/ubah")
@roles_required(*UPLOADERS)
def update(document_id: int):
    timezone = current_archive().settings.timezone

    def apply(session, actor):
        document = services.update_metadata(
            session,
            actor=actor,
            document_id=document_id,
            changes=_metadata_changes(request.form, timezone),
        )
        if document.pending_changes and document.pending_changes_by_id == actor.id:
            return _(
                "Perubahan disimpan dan menunggu persetujuan PPID Utama; publik "
                "masih melihat teks yang disetujui."
            )
        return _("Metadata dokumen disimpan.")

    return _on_document(document_id, "metadata", apply)


def _metadata_changes(form: MultiDict, timezone: str) -> dict[str, Any]:
    changes: dict[str, Any] = {
        name: form.get(name, "") for name in ("title", "summary", "info_type")
    }
    changes["year"] = form.get("year") or None
    if form.get("category"):
        changes["category"] = form["category"]
    if form.get("category") == BERKALA:
        changes["refresh_months"] = form.get("refresh_months") or None
    if form.get("category") == SERTA_MERTA:
        changes["event_at"] = _local_time(form.get("event_at", ""), timezone)
    changes.update(_dip_fields(form))
    return changes


@bp.post("/dokumen/<id:document_id>/versi")
@roles_required(*UPLOADERS)
def add_version(document_id: int):
    archive = current_archive()

    def apply(session, actor):
        file = _required_file(request.files.get("file"))
        version = services.add_version(
            session,
            archive.storage,
            actor=actor,
            document_id=document_id,
            fileobj=file.stream,
            filename=file.filename or "",
            note=request.form.get("note", ""),
            max_size=archive.settings.max_upload_bytes,
        )
        added = _("Versi %(n)s ditambahkan.", n=version.number)
        if version.upload_warning:
            added += f" {_('Peringatan:')} {version.upload_warning}"
        return added

    return _on_document(document_id, "version", apply, file_field=True)


@bp.post("/dokumen/<id:document_id>/ajukan")
@roles_required(*UPLOADERS)
def submit(document_id: int):
    def apply(session, actor):
        services.submit(session, actor=actor, document_id=document_id)
        return _("Dokumen diajukan untuk persetujuan PPID Utama.")

    return _on_document(document_id, "transition", apply)


@bp.post("/dokumen/<id:document_id>/terbitkan")
@roles_required(*UPLOADERS)
def publish(document_id: int):
    def apply(session, actor):
        document = services.publish(
            session,
            actor=actor,
            document_id=document_id,
            version=_reviewed_version(request.form.get("version")),
        )
        return _("Versi %(n)s diterbitkan.", n=document.published_version)

    return _on_document(document_id, "transition", apply)


def _reviewed_version(raw: str | None) -> int | None:
    if not raw:
        return None
    if not raw.isdigit():
        raise errors.ValidationError(_("Nomor versi tidak valid."), "version")
    return int(raw)


@bp.post("/dokumen/<id:document_id>/kembalikan")
@roles_required(*UPLOADERS)
def return_to_draft(document_id: int):
    def apply(session, actor):
        services.return_to_draft(
            session,
            actor=actor,
            document_id=document_id,
            reason=request.form.get("reason", ""),
        )
        return _("Dokumen dikembalikan menjadi draf.")

    return _on_document(document_id, "transition", apply)


@bp.post("/dokumen/<id:document_id>/tolak-versi")
@roles_required(*UPLOADERS)
def decline_version(document_id: int):
    def apply(session, actor):
        document = services.decline_new_version(
            session,
            actor=actor,
            document_id=document_id,
            reason=request.form.get("reason", ""),
        )
        return _(
            "Versi baru ditolak; publik tetap melihat versi %(n)s.",
            n=document.published_version,
        )

    return _on_document(document_id, "transition", apply)


@bp.post("/dokumen/<id:document_id>/tarik")
@roles_required(*UPLOADERS)
def withdraw(document_id: int):
    def apply(session, actor):
        services.withdraw(session, actor=actor, document_id=document_id)
        return _("Dokumen ditarik dari publikasi.")

    return _on_document(document_id, "transition", apply)


@bp.post("/dokumen/<id:document_id>/usulkan-pengecualian")
@roles_required(*UPLOADERS)
def propose_exemption(document_id: int):
    def apply(session, actor):
        exemptions.propose(
            session,
            actor=actor,
            document_id=document_id,
            reason=request.form.get("reason", ""),
            ground_letter=request.form.get("ground_letter") or None,
        )
        return _("Pengecualian diusulkan; PPID Utama akan melakukan uji konsekuensi.")

    return _on_document(document_id, "propose", apply)


def _on_document(document_id: int, form: str, apply, file_field: bool = False):
    """Run one change in one transaction; back to the page with a message, or
    the page again with the refusal shown on the form that asked."""
    try:
        with current_archive().transaction() as session:
            message = apply(session, signed_in_user(session))
    except FORM_ERRORS as exc:
        field = "file" if file_field and _about_file(exc) else None
        return _document_page(document_id, FormError.of(form, exc, field))
    flash(message)
    if request.form.get("back") == "approvals":
        return redirect(url_for(".approvals"))
    return redirect(url_for(".document", document_id=document_id))


@bp.get("/dokumen/<id:document_id>/versi/<id:number>/unduh")
@roles_required(*OFFICERS)
def download(document_id: int, number: int):
    archive = current_archive()
    with archive.reading() as session:
        actor = signed_in_user(session)
        found = services.open_version(
            session,
            archive.storage,
            actor=actor,
            document_id=document_id,
            number=number,
        )
    if is_exempt(found.document.category):
        with archive.transaction() as session:
            services.record_exempt_access(
                session, actor=signed_in_user(session), download=found
            )
    return send_version(found)


# --- the approval queue ------------------------------------------------------------


@bp.get("/persetujuan")
@roles_required(PPID_UTAMA)
def approvals():
    archive = current_archive()
    with archive.reading() as session:
        actor = signed_in_user(session)
        pending = services.list_documents(
            session,
            actor=actor,
            query=ListQuery(status=PENDING, per_page=archive.settings.max_per_page),
        )
        newer = _published_with_newer_version(session, actor)
        return render_template(
            "workspace/approvals.html",
            pending=pending,
            newer=newer,
            to_review=rules.serta_merta_to_review(
                session, actor=actor, since=utcnow() - REVIEW_WINDOW
            ),
            review_days=REVIEW_WINDOW.days,
            awaiting_test=services.awaiting_exemption_tests(
                session, (d.id for d in (*pending.items, *newer))
            ),
        )


def _published_with_newer_version(session, actor: User) -> list[Document]:
    """Published documents whose newest version or changed text still waits for
    approval."""
    # No listing service filters on this yet; the visibility clause still applies.
    return list(
        session.scalars(
            select(Document)
            .where(
                visible_clause(actor),
                Document.status == PUBLISHED,
                or_(
                    Document.published_version < Document.current_version,
                    Document.pending_changes.is_not(None),
                ),
            )
            .order_by(Document.updated_at.desc(), Document.id.desc())
            .limit(current_archive().settings.max_per_page)
        )
    )


# --- consequence tests -------------------------------------------------------------


@bp.get("/uji")
@roles_required(*OFFICERS)
def tests():
    state = request.args.get("state") or None
    with current_archive().reading() as session:
        actor = signed_in_user(session)
        try:
            found = exemptions.list_tests(session, actor=actor, state=state)
        except errors.ValidationError as exc:
            error = FormError.of("filter", exc)
            return render_template(
                "workspace/tests.html", tests=[], state="", error=error
            ), 400
        return render_template(
            "workspace/tests.html", tests=found, state=state or "", error=None
        )


@bp.get("/uji/<id:test_id>")
@roles_required(*OFFICERS)
def test(test_id: int):
    return _test_page(test_id, None)


def _test_page(test_id: int, error: FormError | None):
    archive = current_archive()
    with archive.reading() as session:
        actor = signed_in_user(session)
        found = exemptions.get_test(session, actor=actor, test_id=test_id)
        page = render_template(
            "workspace/test.html",
            test=found,
            record=_submitted("record", error) or _record_values(found),
            submitted=request.form if error else MultiDict(),
            error=error,
            role=actor.role,
            may_cancel=found.state in exemptions.OPEN_STATES
            and can_change(actor, found.document),
            decisions=DECISIONS,
            period_kinds=PERIOD_KINDS,
            grounds=GROUNDS,
            today=archive.settings.local_today().isoformat(),
            legal_basis=legal_basis(found),
            period_text=period_text(found),
        )
    return page, error.status if error else 200


def _record_values(test) -> MultiDict:
    values = MultiDict(
        {name: getattr(test, name) or "" for name in exemptions.RECORD_TEXTS}
    )
    values["test_date"] = test.test_date.isoformat() if test.test_date else ""
    values["ground_letter"] = test.ground_letter or ""
    values["decision"] = test.decision or ""
    values["period_kind"] = test.period_kind or ""
    values["period_value"] = test.period_value or ""
    values["participants"] = "\n".join(test.participants or [])
    return values


def _record_fields(form: MultiDict) -> dict[str, Any]:
    fields: dict[str, Any] = {
        name: form.get(name, "") for name in exemptions.RECORD_TEXTS
    }
    fields["test_date"] = form.get("test_date", "")
    fields["ground_letter"] = form.get("ground_letter") or None
    fields["decision"] = form.get("decision") or None
    kind = form.get("period_kind") or None
    fields["period"] = (
        {"kind": kind, "value": form.get("period_value", "")} if kind else None
    )
    fields["participants"] = [
        line.strip() for line in form.get("participants", "").splitlines()
    ]
    fields["participants"] = [name for name in fields["participants"] if name]
    return fields


@bp.post("/uji/<id:test_id>/catat")
@roles_required(PPID_UTAMA)
def record_test(test_id: int):
    archive = current_archive()

    def apply(session, actor):
        recorded = exemptions.record(
            session,
            actor=actor,
            test_id=test_id,
            fields=_record_fields(request.form),
            today=archive.settings.local_today(),
        )
        return _("Lembar uji konsekuensi %(number)s dicatat.", number=recorded.number)

    return _on_test(test_id, "record", apply)


@bp.post("/uji/<id:test_id>/versi-publik")
@roles_required(PPID_UTAMA)
def attach_redacted_version(test_id: int):
    archive = current_archive()

    def apply(session, actor):
        file = _required_file(request.files.get("file"))
        exemptions.attach_redacted_version(
            session,
            archive.storage,
            actor=actor,
            test_id=test_id,
            fileobj=file.stream,
            filename=file.filename or "",
            max_size=archive.settings.max_upload_bytes,
            title=request.form.get("title", ""),
            summary=request.form.get("summary", ""),
        )
        return _("Versi publik (hasil hitam-putih) diunggah.")

    return _on_test(test_id, "redacted", apply, file_field=True)


@bp.post("/uji/<id:test_id>/setujui")
@roles_required(ATASAN_PPID)
def approve_test(test_id: int):
    archive = current_archive()

    def apply(session, actor):
        exemptions.approve(
            session,
            actor=actor,
            test_id=test_id,
            today=archive.settings.local_today(),
            note=request.form.get("note", ""),
            redacted_version=_reviewed_version(request.form.get("redacted_version")),
        )
        return _("Uji konsekuensi disetujui; keputusannya berlaku sekarang.")

    return _on_test(test_id, "approve", apply)


@bp.post("/uji/<id:test_id>/tolak")
@roles_required(ATASAN_PPID)
def reject_test(test_id: int):
    def apply(session, actor):
        exemptions.reject(
            session, actor=actor, test_id=test_id, note=request.form.get("note", "")
        )
        return _("Uji konsekuensi ditolak.")

    return _on_test(test_id, "reject", apply)


@bp.post("/uji/<id:test_id>/batalkan")
@roles_required(*UPLOADERS)
def cancel_test(test_id: int):
    def apply(session, actor):
        exemptions.cancel(session, actor=actor, test_id=test_id)
        return _("Usulan pengecualian dibatalkan.")

    return _on_test(test_id, "cancel", apply)


@bp.post("/uji/<id:test_id>/buka")
@roles_required(PPID_UTAMA, ATASAN_PPID)
def open_test(test_id: int):
    def apply(session, actor):
        form = request.form
        exemptions.open_by_decision(
            session,
            actor=actor,
            test_id=test_id,
            authority=form.get("authority", ""),
            reference=form.get("reference", ""),
            decided_on=form.get("decided_on", ""),
            note=form.get("note", ""),
        )
        return _("Pengecualian dibuka; dokumen kini terbuka untuk publik.")

    return _on_test(test_id, "open", apply)


def _on_test(test_id: int, form: str, apply, file_field: bool = False):
    try:
        with current_archive().transaction() as session:
            message = apply(session, signed_in_user(session))
    except FORM_ERRORS as exc:
        field = "file" if file_field and _about_file(exc) else None
        return _test_page(test_id, FormError.of(form, exc, field))
    flash(message)
    return redirect(url_for(".test", test_id=test_id))


@bp.get("/uji/<id:test_id>/penetapan.pdf")
@roles_required(*OFFICERS)
def penetapan(test_id: int):
    from dms.classification.penetapan import penetapan_pdf

    archive = current_archive()
    with archive.reading() as session:
        found = exemptions.get_test(
            session, actor=signed_in_user(session), test_id=test_id
        )
        pdf = penetapan_pdf(found, timezone=archive.settings.timezone)
        name = f"penetapan-{found.number}.pdf"
    return send_file(
        pdf, mimetype="application/pdf", download_name=name, as_attachment=True
    )


@bp.get("/uji/<id:test_id>/draf-penetapan.pdf")
@roles_required(PPID_UTAMA, ATASAN_PPID)
def draft_penetapan(test_id: int):
    from dms.classification.penetapan import draft_penetapan_pdf

    archive = current_archive()
    with archive.reading() as session:
        actor = signed_in_user(session)
        found = exemptions.get_test(session, actor=actor, test_id=test_id)
        pdf = draft_penetapan_pdf(
            found,
            today=archive.settings.local_today(),
            official=actor if actor.role == ATASAN_PPID else None,
        )
        name = f"draf-penetapan-{found.number}.pdf"
    return send_file(pdf, mimetype="application/pdf", download_name=name)


@bp.get("/uji/<id:test_id>/dokumen")
@roles_required(*OFFICERS)
def tested_document(test_id: int):
    from dms.classification.review import open_tested_document

    archive = current_archive()
    with archive.transaction() as session:
        found = open_tested_document(
            session, archive.storage, actor=signed_in_user(session), test_id=test_id
        )
    return send_version(found)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
