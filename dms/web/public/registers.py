"""The DIP and DIK: pages, XLSX and PDF downloads, (the JSON is dms.web.api.registers).

Both registers are public: every view reads them as an anonymous citizen would.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    Response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext

from dms.classification.exports import MEDIA_TYPES, export
from dms.classification.registers import (
    DIK,
    DIP,
    Register,
    dik_register,
    dip_register,
    organisations,
)
from dms.output.dates import indonesian_date
from dms.web import current_archive

bp = Blueprint("registers", __name__)

BUILDERS = {DIP: dip_register, DIK: dik_register}
FILE_FORMAT = "<any(xlsx, pdf):fmt>"


def register_of(kind: str, org_slug: str | None) -> Register:
    archive = current_archive()
    with archive.reading() as session:
        return BUILDERS[kind](
            session, timezone=archive.settings.timezone, org_slug=org_slug
        )


HEADINGS = {
    DIP: lazy_gettext("Daftar Informasi Publik"),
    DIK: lazy_gettext("Daftar Informasi yang Dikecualikan"),
}


def _page(kind: str, org_slug: str | None = None):
    if org_slug is None and request.args.get("org"):
        # The organisation chooser is a plain GET form; give it the clean URL.
        return redirect(url_for(f"registers.{kind}", org_slug=request.args["org"]))
    archive = current_archive()
    with archive.reading() as session:
        register = BUILDERS[kind](
            session, timezone=archive.settings.timezone, org_slug=org_slug
        )
        choices = organisations(session)
    return render_template(
        f"public/{kind}.html",
        register=register,
        organisations=choices,
        heading=HEADINGS[kind],
        tanggal=indonesian_date,
    )


def _download(kind: str, fmt: str, org_slug: str | None = None) -> Response:
    register = register_of(kind, org_slug)
    body = export(register, fmt, base_url=request.host_url)
    filename = register.filename(fmt)
    return Response(
        body,
        mimetype=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/dip")
@bp.get("/dip/<org_slug>")
def dip(org_slug: str | None = None):
    return _page(DIP, org_slug)


@bp.get("/dik")
@bp.get("/dik/<org_slug>")
def dik(org_slug: str | None = None):
    return _page(DIK, org_slug)


@bp.get(f"/dip.{FILE_FORMAT}")
@bp.get(f"/dip/<org_slug>.{FILE_FORMAT}")
def dip_file(fmt: str, org_slug: str | None = None):
    return _download(DIP, fmt, org_slug)


@bp.get(f"/dik.{FILE_FORMAT}")
@bp.get(f"/dik/<org_slug>.{FILE_FORMAT}")
def dik_file(fmt: str, org_slug: str | None = None):
    return _download(DIK, fmt, org_slug)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
