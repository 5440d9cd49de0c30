"""The DIP import page under /ruang-kerja/impor/dip: the same import as
`dms dip import`, the spreadsheet and the files it names uploaded together."""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    render_template,
    request,
    send_file,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from dms.accounts.models import Organisation, User
from dms.accounts.roles import PPID_PELAKSANA, PPID_UTAMA
from dms.errors import ValidationError
from dms.onboarding import dip as dip_import
from dms.web import current_archive
from dms.web.auth import roles_required
from dms.web.forms import FORM_ERRORS, FormError

bp = Blueprint("imports", __name__, url_prefix="/ruang-kerja/impor")
FORM = "impor"
SHEET_SUFFIXES = (".xlsx", ".csv")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/dip")
@roles_required(PPID_UTAMA, PPID_PELAKSANA)
def dip_form():
    return _page(None, None)


@bp.get("/dip/templat.xlsx")
@roles_required(PPID_UTAMA, PPID_PELAKSANA)
def dip_template():
    return send_file(
        io.BytesIO(dip_import.template_xlsx()),
        mimetype=XLSX,
        as_attachment=True,
        download_name="templat-impor-dip.xlsx",
    )


@bp.post("/dip")
@roles_required(PPID_UTAMA, PPID_PELAKSANA)
def dip_upload():
    folder = Path(tempfile.mkdtemp(prefix="dms-impor-"))
    try:
        result = _run(folder)
    except FORM_ERRORS as exc:
        error = FormError.of(FORM, exc)
        return _page(None, error), error.status
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return _page(result, None), (200 if result.ok else 422)


def _run(folder: Path) -> dip_import.DipImport:
    sheet = request.files.get("sheet")
    name = Path(sheet.filename or "").name if sheet else ""
    if not name.lower().endswith(SHEET_SUFFIXES):
        raise ValidationError(_("Pilih berkas .xlsx atau .csv."), "sheet")
    sheet_path = folder / ("daftar" + Path(name).suffix.lower())
    sheet.save(sheet_path)
    files = folder / "berkas"
    files.mkdir()
    for upload in request.files.getlist("files"):
        filename = Path(upload.filename or "").name
        if filename and not filename.startswith("."):
            upload.save(files / filename)
    with current_archive().reading() as session:
        actor = session.get(User, current_user.id)
        org_slug = request.form.get("org") or (
            actor.organisation.slug if actor.organisation else ""
        )
    return dip_import.import_dip(
        current_archive(),
        sheet_path,
        org_slug=org_slug,
        files=files,
        dry_run=request.form.get("dry_run") == "1",
        actor=actor,
    )


def _page(result, error: FormError | None):
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


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
