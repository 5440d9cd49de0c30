"""The audit-trail page /ruang-kerja/jejak-audit: filter by document, user,
action and local date; the same list as CSV. Who sees what is decided in
dms.organisations.audit_trail."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, Response, render_template, request
from flask_login import current_user

from dms.accounts.models import User
from dms.accounts.roles import ADMIN, ATASAN_PPID, PPID_PELAKSANA, PPID_UTAMA
from dms.classification.opendata import csv_text
from dms.organisations import audit_trail
from dms.web import current_archive
from dms.web.auth import roles_required
from dms.web.forms import FORM_ERRORS, FormError

bp = Blueprint("audit_trail", __name__, url_prefix="/ruang-kerja")
READERS = (ADMIN, PPID_UTAMA, ATASAN_PPID, PPID_PELAKSANA)


@bp.get("/jejak-audit")
@roles_required(*READERS)
def page():
    return _list(as_csv=False)


@bp.get("/jejak-audit.csv")
@roles_required(*READERS)
def export():
    return _list(as_csv=True)


def _list(*, as_csv: bool):
    settings = current_archive().settings
    error = None
    with current_archive().reading() as session:
        actor = session.get(User, current_user.id)
        try:
            query = audit_trail.parse_query(request.args, timezone=settings.timezone)
            found = audit_trail.events(
                session, actor=actor, query=query, timezone=settings.timezone
            )
        except FORM_ERRORS as exc:
            error, found = FormError.of("jejak", exc), []
        zone = ZoneInfo(settings.timezone)
        if as_csv and error is None:
            return _csv(found, zone)
        return render_template(
            "workspace/audit_trail.html",
            events=found[: audit_trail.PAGE_SIZE],
            total=len(found),
            values=request.args,
            error=error,
            action_options=[(a, a) for a in audit_trail.actions(session)],
            zone=zone,
        ), (error.status if error else 200)


def _csv(found, zone: ZoneInfo) -> Response:
    rows = (
        (
            event.occurred_at.astimezone(zone).isoformat(timespec="seconds"),
            event.actor_username,
            event.action,
            event.object_type,
            event.object_id,
            json.dumps(event.before, ensure_ascii=False) if event.before else "",
            json.dumps(event.after, ensure_ascii=False) if event.after else "",
        )
        for event in found
    )
    return Response(
        csv_text(audit_trail.CSV_COLUMNS, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="jejak-audit.csv"'},
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
