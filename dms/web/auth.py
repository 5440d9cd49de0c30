"""Officers' sessions in the browser (Flask-Login): log in and out, who is who.

The JSON API keeps its bearer tokens; pages use a session cookie, CSRF tokens on
every form (dms.web.security) and the same lockout as the API: five wrong
passwords lock an account for 15 minutes, and each address may try ten times a
minute.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from dms.accounts import service as accounts
from dms.accounts.models import User
from dms.errors import Unauthenticated
from dms.web import current_archive
from dms.web.security import limiter, same_site_path

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
LOGIN_RATE = "10 per minute"
# The session generation the cookie was opened in (see User.session_generation).
SESSION_GENERATION = "dms_generation"


def login_limit():
    """Ten login attempts a minute per address, shared by the form (/masuk) and
    the API (POST /api/v1/auth/token): one budget, whichever door is used."""
    return limiter.shared_limit(LOGIN_RATE, scope="login", methods=["POST"])


@dataclass(frozen=True)
class SessionUser:
    """The logged-in officer as pages need them; services get the real User."""

    id: int
    username: str
    role: str
    organisation_id: int | None
    display_name: str
    organisation_name: str
    session_generation: int = 0
    is_active: bool = True
    is_authenticated: bool = True
    is_anonymous: bool = False

    def get_id(self) -> str:
        return str(self.id)

    @classmethod
    def of(cls, user: User) -> SessionUser:
        return cls(
            id=user.id,
            username=user.username,
            role=user.role,
            organisation_id=user.organisation_id,
            display_name=user.display_name or user.username,
            organisation_name=user.organisation.name if user.organisation else "",
            session_generation=user.session_generation,
        )


@login_manager.user_loader
def load_user(user_id: str) -> SessionUser | None:
    """The session's user while the account is active and the session was opened
    in the user's current generation: after a logout (or deactivation) an old
    cookie is nobody's."""
    if not user_id.isdigit():
        return None
    with current_archive().reading() as db:
        user = db.get(User, int(user_id))
        if user is None or not user.is_active:
            return None
        if session.get(SESSION_GENERATION) != user.session_generation:
            return None
        return SessionUser.of(user)


class LoginForm(FlaskForm):
    username = StringField(
        _l("Nama pengguna"), validators=[DataRequired(), Length(max=64)]
    )
    password = PasswordField(
        _l("Kata sandi"), validators=[DataRequired(), Length(max=1024)]
    )


@bp.route("/masuk", methods=["GET", "POST"])
@login_limit()
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user_id = accounts.log_in(
                current_archive(), form.username.data, form.password.data
            )
        except Unauthenticated as exc:
            error = _translated_login_error(exc)
        else:
            session.clear()  # a new session for the new user (no fixation)
            with current_archive().reading() as db:
                user = SessionUser.of(db.get(User, user_id))
            session[SESSION_GENERATION] = user.session_generation
            login_user(user)
            return redirect(
                same_site_path(request.args.get("next")) or url_for("public.home")
            )
    status = 401 if error else 200
    return render_template("login.html", form=form, error=error), status


def _translated_login_error(exc: Unauthenticated) -> str:
    if isinstance(exc, accounts.AccountLocked):
        return _(
            "Terlalu banyak percobaan masuk yang gagal; akun dikunci sementara. "
            "Coba lagi dalam 15 menit."
        )
    return _("Nama pengguna atau kata sandi salah.")


@bp.post("/keluar")
def logout():
    """End this session and, server-side, every session cookie of the officer:
    a copy of the old cookie no longer logs anyone in."""
    if current_user.is_authenticated:
        with current_archive().transaction() as db:
            accounts.end_sessions(db, current_user.id)
    logout_user()
    session.clear()
    flash(_("Anda telah keluar."))
    return redirect(url_for("public.home"))


def roles_required(*roles: str):
    """A page for logged-in officers of these roles (any role when none given):
    others are sent to log in, or get 403."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorate


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Masuk terlebih dahulu untuk membuka halaman itu.")
    login_manager.session_protection = "strong"
    app.register_blueprint(bp)
