"""Languages: Indonesian first, English second (Flask-Babel).

The choice is remembered in a cookie, set by /bahasa/<code> (a plain link: no
JavaScript). Dates and numbers follow the chosen locale; times are shown in the
public body's time zone.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, redirect, request, url_for
from flask_babel import Babel, format_date, format_datetime

from dms.web.security import same_site_path

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT = "id"
COOKIE = "dms_lang"
ONE_YEAR = 365 * 24 * 3600
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The language asked for in the cookie, else Indonesian."""
    chosen = request.cookies.get(COOKIE, "")
    return chosen if chosen in LANGUAGES else DEFAULT


@bp.get("/bahasa/<code>")
def choose(code: str):
    """Remember a language and go back where the reader was (same site only)."""
    target = same_site_path(request.args.get("next")) or url_for("public.home")
    response = redirect(target)
    if code in LANGUAGES:
        response.set_cookie(
            COOKIE, code, max_age=ONE_YEAR, samesite="Lax", httponly=True
        )
    return response


def init_app(app: Flask, timezone: str) -> None:
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT
    app.config["BABEL_DEFAULT_TIMEZONE"] = timezone
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    Babel(app, locale_selector=select_locale)
    app.register_blueprint(bp)
    app.jinja_env.filters["tanggal"] = lambda value: (
        format_date(value, "long") if value else ""
    )
    app.jinja_env.filters["tanggal_waktu"] = lambda value: (
        format_datetime(value, "long") if value else ""
    )

    @app.context_processor
    def languages():
        return {"languages": LANGUAGES, "current_language": select_locale()}
