"""The monitoring page (pemantauan) of the workspace: the PPID Utama sees every
organisation and may choose one, a PPID Pelaksana sees its own; others get 403.

Every chart stands beside the table of its numbers; the year and organisation
choosers are a plain GET form, so the page needs no JavaScript.
"""

from __future__ import annotations

from flask import Blueprint, Flask, render_template, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from dms.accounts import service as accounts
from dms.accounts.models import User
from dms.accounts.roles import PPID_PELAKSANA, PPID_UTAMA
from dms.errors import BadInput
from dms.monitoring import dashboard
from dms.monitoring.charts import Chart, bar_chart, line_chart
from dms.web import current_archive
from dms.web.auth import roles_required
from dms.web.workspace.documents import organisation_options
from dms.workdays import working_calendar

bp = Blueprint("monitoring", __name__, url_prefix="/ruang-kerja")

FIRST_YEAR, LAST_YEAR = 2000, 2100
MONTH_NAMES = (
    _l("Januari"),
    _l("Februari"),
    _l("Maret"),
    _l("April"),
    _l("Mei"),
    _l("Juni"),
    _l("Juli"),
    _l("Agustus"),
    _l("September"),
    _l("Oktober"),
    _l("November"),
    _l("Desember"),
)
MONTH_ABBREVIATIONS = (
    _l("Jan"),
    _l("Feb"),
    _l("Mar"),
    _l("Apr"),
    _l("Mei"),
    _l("Jun"),
    _l("Jul"),
    _l("Agu"),
    _l("Sep"),
    _l("Okt"),
    _l("Nov"),
    _l("Des"),
)
INFO_TYPE_LABELS = {
    "struktur_organisasi": _l("Struktur organisasi"),
    "profil_pegawai": _l("Profil pegawai"),
    "program_kegiatan": _l("Program & kegiatan (DPA)"),
    "jadwal_kegiatan": _l("Jadwal kegiatan"),
    "pengadaan": _l("Pengadaan barang & jasa"),
    "realisasi_keuangan": _l("Laporan realisasi keuangan"),
    "realisasi_kegiatan": _l("Realisasi kegiatan"),
    "perjanjian": _l("Perjanjian pihak ketiga"),
    "agenda_pimpinan": _l("Agenda pimpinan"),
    "surat_pimpinan": _l("Surat-menyurat pimpinan"),
    "laporan_akses": _l("Laporan akses informasi"),
    "renja": _l("Renja"),
    "daftar_aset": _l("Daftar aset"),
}
STATE_LABELS = {
    "submitted": _l("Diterima"),
    "disposed": _l("Didisposisikan"),
    "extended": _l("Diperpanjang"),
}


@bp.get("/pemantauan")
@roles_required(PPID_UTAMA, PPID_PELAKSANA)
def index():
    archive = current_archive()
    settings = archive.settings
    today = settings.local_today()
    year = _year(request.args.get("year", ""), today.year)
    with archive.reading() as session:
        actor = session.get(User, current_user.id)
        scope = dashboard.monitoring_scope(
            session, actor=actor, year=year, org_slug=request.args.get("org") or None
        )
        board = dashboard.build_dashboard(
            session,
            actor=actor,
            scope=scope,
            calendar=working_calendar(session, settings),
            today=today,
            zone=settings.timezone,
        )
        utama = actor.role == PPID_UTAMA
        return render_template(
            "workspace/monitoring/dashboard.html",
            board=board,
            charts=_charts(board),
            years=dashboard.available_years(session, today),
            organisations=accounts.list_organisations(session) if utama else [],
            chosen={
                "year": str(year),
                "org": scope.organisation.slug if scope.organisation and utama else "",
            },
            today=today,
            month_names=MONTH_NAMES,
            info_type_labels=INFO_TYPE_LABELS,
            state_labels=STATE_LABELS,
            disposed_names=dashboard.disposed_names,
            angka=number,
            organisation_options=organisation_options,
        )


def _year(text: str, default: int) -> int:
    if not text:
        return default
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise BadInput(
            _(
                "Tahun harus berupa angka antara %(first)s dan %(last)s.",
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
        )
    return int(text)


def number(value: float | None, decimals: int = 0) -> str:
    """A number in the page's language; a dash for none."""
    if value is None:
        return "\u2013"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern)


def _charts(board: dashboard.Dashboard) -> dict:
    """The page's charts, each drawn from the numbers of the table beside it."""
    year = board.scope.year
    months = [str(m) for m in MONTH_ABBREVIATIONS]
    times = board.response_times
    return {
        "requests": bar_chart(
            Chart(
                "grafik-permohonan",
                _("Permohonan informasi per bulan, %(year)s", year=year),
                _(
                    "Diagram batang jumlah permohonan yang diterima setiap bulan; "
                    "total %(total)s permohonan. Angkanya ada di tabel di sampingnya.",
                    total=board.requests_total,
                ),
                months,
                board.requests_per_month,
                x_label=_("Bulan"),
                y_label=_("Permohonan"),
                formatter=number,
            )
        ),
        "response": bar_chart(
            Chart(
                "grafik-waktu-jawab",
                _("Rata-rata waktu menjawab per OPD, %(year)s", year=year),
                _(
                    "Diagram batang rata-rata hari kerja dari penerimaan sampai "
                    "jawaban, per OPD, yang paling lambat di atas."
                ),
                [row.name for row in times],
                [row.average for row in times],
                x_label=_("Hari kerja"),
                decimals=1,
                formatter=number,
            ),
            horizontal=True,
        ),
        "downloads": line_chart(
            Chart(
                "grafik-unduhan",
                _("Unduhan dokumen per bulan, %(year)s", year=year),
                _(
                    "Diagram garis jumlah unduhan dokumen publik setiap bulan; "
                    "total %(total)s unduhan.",
                    total=board.downloads_total,
                ),
                months,
                board.downloads_per_month,
                x_label=_("Bulan"),
                y_label=_("Unduhan"),
                formatter=number,
            )
        ),
        "most_downloaded": bar_chart(
            Chart(
                "grafik-terbanyak-diunduh",
                _("Dokumen yang paling banyak diunduh, %(year)s", year=year),
                _("Diagram batang unduhan per dokumen, yang terbanyak di atas."),
                [row.label for row in board.most_downloaded],
                [row.count for row in board.most_downloaded],
                x_label=_("Unduhan"),
                formatter=number,
            ),
            horizontal=True,
        ),
        "requested_types": bar_chart(
            Chart(
                "grafik-jenis-diminta",
                _("Jenis informasi yang paling banyak diminta, %(year)s", year=year),
                _(
                    "Diagram batang jumlah jawaban yang menunjuk dokumen dari "
                    "setiap jenis informasi, yang terbanyak di atas."
                ),
                [row.label for row in board.requested_types],
                [row.count for row in board.requested_types],
                x_label=_("Permohonan"),
                formatter=number,
            ),
            horizontal=True,
        ),
    }


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
