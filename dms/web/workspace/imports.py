"""The import pages under /ruang-kerja/impor: the same imports as `dms dip
import`, `dms requests import` and `dms objections import`, the spreadsheet
uploaded (with, for the DIP, the files it names), a trial run first, every
refused row by number."""

from __future__ import annotations

import io
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    render_template,
    request,
    send_file,
)
from flask_babel import gettext as _
from sqlalchemy import select

from dms.accounts.models import Organisation
from dms.accounts.roles import PPID_PELAKSANA, PPID_UTAMA
from dms.errors import ValidationError
from dms.onboarding import dip as dip_import
from dms.onboarding import objections as objection_import
from dms.onboarding import requests as request_import
from dms.onboarding.sheets import RegisterImport
from dms.web import current_archive
from dms.web.auth import roles_required
from dms.web.forms import FORM_ERRORS, FormError, signed_in_user

bp = Blueprint("imports", __name__, url_prefix="/ruang-kerja/impor")
FORM = "impor"
SHEET_SUFFIXES = (".xlsx", ".csv")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/dip")
@roles_required(PPID_UTAMA, PPID_PELAKSANA)
def dip_form():
    return _dip_page(None, None)


@bp.get("/dip/templat.xlsx")
@roles_required(PPID_UTAMA, PPID_PELAKSANA)
def dip_template():
    return _xlsx(dip_import.template_xlsx(), "templat-impor-dip.xlsx")


@bp.post("/dip")
@roles_required(PPID_UTAMA, PPID_PELAKSANA)
def dip_upload():
    return _upload(_run_dip, _dip_page)


def _run_dip(folder: Path) -> dip_import.DipImport:
    sheet_path = _saved_sheet(folder)
    files = folder / "berkas"
    files.mkdir()
    for upload in request.files.getlist("files"):
        filename = Path(upload.filename or "").name
        if filename and not filename.startswith("."):
            upload.save(files / filename)
    with current_archive().reading() as session:
        actor = signed_in_user(session)
        org_slug = request.form.get("org") or (
            actor.organisation.slug if actor.organisation else ""
        )
    return dip_import.import_dip(
        current_archive(),
        sheet_path,
        org_slug=org_slug,
        files=files,
        dry_run=_dry_run(),
        actor=actor,
    )


def _dip_page(result, error: FormError | None):
    with current_archive().reading() as session:
        organisations = session.scalars(
            select(Organisation).order_by(Organisation.name)
        ).all()
        return render_template(
            "workspace/import_dip.html",
            result=result,
            error=error,
            organisations=organisations,
            columns=list(dip_import.COLUMNS),
            required=dip_import.REQUIRED,
            form=FORM,
        )


# The request register is the PPID Utama's (DOMAIN.md §4; the command line acts
# with its authority): the service refuses anyone else too.
@bp.get("/permohonan")
@roles_required(PPID_UTAMA)
def requests_form():
    return _requests_page(None, None)


@bp.get("/permohonan/templat.xlsx")
@roles_required(PPID_UTAMA)
def requests_template():
    return _xlsx(request_import.template_xlsx(), "templat-impor-permohonan.xlsx")


@bp.post("/permohonan")
@roles_required(PPID_UTAMA)
def requests_upload():
    return _upload(_run_requests, _requests_page)


def _run_requests(folder: Path) -> RegisterImport:
    sheet_path = _saved_sheet(folder)
    with current_archive().reading() as session:
        actor = signed_in_user(session)
    return request_import.import_requests(
        current_archive(), sheet_path, dry_run=_dry_run(), actor=actor
    )


def _requests_page(result, error: FormError | None):
    return render_template(
        "workspace/import_requests.html",
        result=result,
        error=error,
        columns=list(request_import.COLUMNS),
        required=request_import.REQUIRED,
        form=FORM,
    )


# The objection register is kept by the PPID Utama, who records objections as
# they arrive; the atasan PPID decides them (DOMAIN.md §4), but an import copies
# past decisions from the signed answers rather than deciding anything, so it
# is the Utama's, as the request register's is. The service refuses anyone else.
@bp.get("/keberatan")
@roles_required(PPID_UTAMA)
def objections_form():
    return _objections_page(None, None)


@bp.get("/keberatan/templat.xlsx")
@roles_required(PPID_UTAMA)
def objections_template():
    return _xlsx(objection_import.template_xlsx(), "templat-impor-keberatan.xlsx")


@bp.post("/keberatan")
@roles_required(PPID_UTAMA)
def objections_upload():
    return _upload(_run_objections, _objections_page)


def _run_objections(folder: Path) -> RegisterImport:
    sheet_path = _saved_sheet(folder)
    with current_archive().reading() as session:
        actor = signed_in_user(session)
    return objection_import.import_objections(
        current_archive(), sheet_path, dry_run=_dry_run(), actor=actor
    )


def _objections_page(result, error: FormError | None):
    return render_template(
        "workspace/import_objections.html",
        result=result,
        error=error,
        columns=list(objection_import.COLUMNS),
        required=objection_import.REQUIRED,
        form=FORM,
    )


def _xlsx(data: bytes, name: str):
    return send_file(
        io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name
    )


def _upload(run: Callable[[Path], object], page: Callable):
    """Run an import on the uploaded sheet in a folder of its own, removed
    afterwards whatever happens; 422 when any row is refused (nothing written)."""
    folder = Path(tempfile.mkdtemp(prefix="dms-impor-"))
    try:
        result = run(folder)
    except FORM_ERRORS as exc:
        # A refusal naming no field is about the spreadsheet itself.
        field = "sheet" if isinstance(exc, ValidationError) else None
        error = FormError.of(FORM, exc, field)
        return page(None, error), error.status
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return page(result, None), (200 if result.ok else 422)


def _saved_sheet(folder: Path) -> Path:
    """The uploaded spreadsheet (field `sheet`), saved in `folder` under a name
    of ours with its suffix; anything but .xlsx or .csv is refused."""
    sheet = request.files.get("sheet")
    name = Path(sheet.filename or "").name if sheet else ""
    if not name.lower().endswith(SHEET_SUFFIXES):
        raise ValidationError(_("Pilih berkas .xlsx atau .csv."), "sheet")
    path = folder / ("daftar" + Path(name).suffix.lower())
    sheet.save(path)
    return path


def _dry_run() -> bool:
    return request.form.get("dry_run") == "1"


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
