"""Organisations, users and API tokens."""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from dms import audit
from dms.accounts.models import ApiToken, Organisation, User
from dms.accounts.roles import ADMIN, PPID_PELAKSANA, ROLES, SYSTEM
from dms.db import utcnow
from dms.errors import (
    Conflict,
    Forbidden,
    NotFound,
    Unauthenticated,
    ValidationError,
)

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9._-]{2,64}$")
MIN_PASSWORD = 8
TOKEN_PREFIX = "dms_"
# How new passwords are hashed unless the settings say otherwise (password_hash).
DEFAULT_PASSWORD_HASH = "scrypt"


@functools.cache
def _dummy_hash(method: str) -> str:
    """A hash computed once per method, on first use (not at import), so unknown
    usernames take as long as wrong passwords."""
    return generate_password_hash("timing-equaliser", method=method)


def add_organisation(
    session: Session,
    *,
    actor: User | None,
    slug: str,
    name: str,
    parent_slug: str | None = None,
    is_utama: bool = False,
) -> Organisation:
    """Add an organisation: a PPID Utama (a root) or a Pelaksana under its parent."""
    if not SLUG_PATTERN.match(slug or ""):
        raise ValidationError(
            "Slug hanya huruf kecil, angka dan tanda hubung (maks. 64).", "slug"
        )
    if not (name or "").strip():
        raise ValidationError("Nama organisasi wajib diisi.", "name")
    if find_organisation(session, slug) is not None:
        raise Conflict(f"Organisasi '{slug}' sudah ada.")
    parent = _parent(session, parent_slug)
    organisation = Organisation(
        slug=slug, name=name.strip(), parent=parent, is_utama=is_utama
    )
    session.add(organisation)
    audit.record(
        session,
        actor,
        "organisation.create",
        organisation,
        after={
            "slug": slug,
            "name": organisation.name,
            "parent": parent_slug,
            "is_utama": is_utama,
        },
    )
    return organisation


def _parent(session: Session, parent_slug: str | None) -> Organisation | None:
    if not parent_slug:
        return None
    parent = find_organisation(session, parent_slug)
    if parent is None:
        raise ValidationError(
            f"Organisasi induk '{parent_slug}' tidak dikenal.", "parent"
        )
    return parent


def find_organisation(session: Session, slug: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.slug == slug))


def add_user(
    session: Session,
    *,
    actor: User | None,
    username: str,
    role: str,
    org_slug: str | None = None,
    password: str | None = None,
    display_name: str = "",
    email: str = "",
    nip: str = "",
    position: str = "",
    hash_method: str = DEFAULT_PASSWORD_HASH,
) -> User:
    """Add a user with a role; a Pelaksana must belong to an organisation.
    hash_method: the settings' password_hash."""
    if not USERNAME_PATTERN.match(username or ""):
        raise ValidationError(
            "Nama pengguna 2-64 karakter: huruf, angka, titik, _ atau -.",
            "username",
        )
    if role not in ROLES:
        raise ValidationError(
            f"Peran wajib salah satu dari: {', '.join(ROLES)}.", "role"
        )
    if find_user(session, username) is not None:
        raise Conflict(f"Pengguna '{username}' sudah ada.")
    organisation = _user_organisation(session, role, org_slug)
    nip, position = _official(nip, position)
    user = User(
        username=username,
        role=role,
        organisation=organisation,
        display_name=display_name or username,
        email=email,
        nip=nip,
        position=position,
        password_hash=_hash_password(password, hash_method) if password else "",
    )
    session.add(user)
    audit.record(
        session,
        actor,
        "user.create",
        user,
        after={"username": username, "role": role, "org": org_slug},
    )
    return user


def set_official(
    session: Session, *, actor, username: str, nip: str, position: str
) -> User:
    """The NIP and position (jabatan) an official signs with; the administrator
    (or the operator at the command line) keeps them."""
    if actor is not SYSTEM and (
        actor is None or not actor.is_active or actor.role != ADMIN
    ):
        raise Forbidden("Hanya administrator yang dapat mengubah data pejabat.")
    user = find_user(session, username) if USERNAME_PATTERN.match(username) else None
    if user is None:
        raise NotFound(f"Pengguna '{username[:64]}' tidak ditemukan.")
    nip, position = _official(nip, position)
    before = {"nip": user.nip, "position": user.position}
    if before != {"nip": nip, "position": position}:
        user.nip, user.position = nip, position
        audit.record(
            session,
            actor,
            "user.official",
            user,
            before=before,
            after={"nip": nip, "position": position},
        )
    return user


def _official(nip: str | None, position: str | None) -> tuple[str, str]:
    """A NIP is 18 digits (spaces between its groups are dropped)."""
    digits = "".join((nip or "").split())
    if digits and not (digits.isascii() and digits.isdigit() and len(digits) == 18):
        raise ValidationError("NIP terdiri atas 18 angka.", "nip")
    position = " ".join((position or "").split())
    if len(position) > 255:
        raise ValidationError("Jabatan paling banyak 255 karakter.", "position")
    return digits, position


def _user_organisation(session, role: str, org_slug: str | None):
    if not org_slug:
        if role == PPID_PELAKSANA:
            raise ValidationError(
                "PPID Pelaksana wajib terdaftar pada organisasi.", "org"
            )
        return None
    organisation = find_organisation(session, org_slug)
    if organisation is None:
        raise ValidationError(f"Organisasi '{org_slug}' tidak dikenal.", "org")
    return organisation


def _hash_password(password: str, method: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(
            f"Kata sandi minimal {MIN_PASSWORD} karakter.", "password"
        )
    return generate_password_hash(password, method=method)


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def authenticate(
    session: Session,
    username: str,
    password: str,
    *,
    hash_method: str = DEFAULT_PASSWORD_HASH,
) -> User:
    """The active user with that password; Unauthenticated otherwise.
    hash_method: the settings' password_hash, what an unknown name pays for."""
    if not USERNAME_PATTERN.match(username or ""):
        username = ""  # cannot exist; still pay for a hash below
    user = find_user(session, username) if username else None
    if user and user.password_hash:
        stored = user.password_hash
    else:
        stored = _dummy_hash(hash_method)
    valid = check_password_hash(stored, password or "")
    if user is None or not user.is_active or not user.password_hash or not valid:
        raise Unauthenticated("Nama pengguna atau kata sandi salah.")
    return user


# After this many wrong passwords in a row an account is locked for a while.
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)


class AccountLocked(Unauthenticated):
    code = "account_locked"


def check_not_locked(user: User | None, now: datetime) -> None:
    """AccountLocked while the user's lock lasts."""
    if user is not None and user.locked_until is not None and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise AccountLocked(
            "Terlalu banyak percobaan masuk yang gagal; akun dikunci sementara. "
            f"Coba lagi dalam {minutes} menit."
        )


def _admit_attempt(session: Session, username: str, now: datetime) -> None:
    """Check the lock and count this attempt, under the user's row lock.

    An attempt counts as a failure until it succeeds, and the count is taken in
    the same write transaction as the check: parallel guesses queue on the row
    (SQLite: on the database), so no more than MAX_FAILED_LOGINS of them are
    ever admitted before the lock, however many arrive at once.
    """
    if not USERNAME_PATTERN.match(username or ""):
        return
    user = session.scalar(
        select(User).where(User.username == username).with_for_update()
    )
    if user is None:
        return
    check_not_locked(user, now)
    user.failed_logins += 1
    if user.failed_logins >= MAX_FAILED_LOGINS:
        user.failed_logins = 0
        user.locked_until = now + LOCKOUT
        audit.record(
            session,
            None,
            "user.lock",
            user,
            after={"locked_until": user.locked_until.isoformat()},
        )


def _clear_failures(session: Session, user_id: int) -> None:
    user = session.scalar(select(User).where(User.id == user_id).with_for_update())
    user.failed_logins = 0
    user.locked_until = None


def log_in(archive, username: str, password: str, *, now: datetime | None = None):
    """The id of the user these credentials name, counting failures: five wrong
    passwords in a row lock the account for 15 minutes (web and API alike).

    The lock is checked and the attempt counted in one short write transaction
    before the slow password check (which runs in a read-only session); only a
    success clears the count, in its own short transaction.
    """
    now = now or utcnow()
    with archive.transaction() as session:
        _admit_attempt(session, username, now)
    with archive.reading() as session:
        try:
            user_id = authenticate(
                session,
                username,
                password,
                hash_method=archive.settings.password_hash,
            ).id
        except Unauthenticated:
            user_id = None
    if user_id is None:
        raise Unauthenticated("Nama pengguna atau kata sandi salah.")
    with archive.transaction() as session:
        _clear_failures(session, user_id)
    return user_id


def create_token(
    session: Session,
    *,
    actor: User | None,
    username: str,
    days: int,
    label: str = "",
    now: datetime | None = None,
) -> str:
    """A new API token for the user, good for `days` days; only its hash is
    kept, so show it once."""
    user = find_user(session, username)
    if user is None:
        raise NotFound(f"Pengguna '{username}' tidak ditemukan.")
    if not user.is_active:
        raise Conflict(f"Pengguna '{username}' sudah dinonaktifkan.")
    now = now or utcnow()
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(
        user=user,
        token_hash=hash_token(token),
        label=label,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(record)
    audit.record(
        session,
        actor,
        "token.create",
        user,
        after={"label": label, "expires_at": record.expires_at.isoformat()},
    )
    return token


def hash_token(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is as safe as a slow one here.
    return hashlib.sha256(token.encode()).hexdigest()


class TokenExpired(Unauthenticated):
    code = "token_expired"


def token_in_use(session: Session, token: str, *, now: datetime | None = None):
    """The live ApiToken record of a bearer token; Unauthenticated when it is
    unknown, revoked, expired or its user is deactivated."""
    record = session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(token or ""))
    )
    if record is None or record.revoked_at is not None or not record.user.is_active:
        raise Unauthenticated("Token tidak valid atau sudah dicabut.")
    if record.expires_at <= (now or utcnow()):
        raise TokenExpired(
            "Token sudah kedaluwarsa; minta token baru (POST /api/v1/auth/token "
            "atau dms token create)."
        )
    return record


def user_for_token(session: Session, token: str) -> User:
    """The active user a bearer token belongs to; Unauthenticated otherwise."""
    return token_in_use(session, token).user


# last_used_at is kept to the hour: one small write per token per hour at most.
LAST_USED_GRAIN = timedelta(hours=1)


def token_use_unnoted(record: ApiToken, now: datetime) -> bool:
    """Whether a use now should be written down (see mark_token_used)."""
    return record.last_used_at is None or record.last_used_at < now - LAST_USED_GRAIN


def mark_token_used(session: Session, token_id: int, now: datetime) -> None:
    """Note when a token was last used (unless noted within the hour)."""
    session.execute(
        update(ApiToken)
        .where(ApiToken.id == token_id)
        .where(
            (ApiToken.last_used_at.is_(None))
            | (ApiToken.last_used_at < now - LAST_USED_GRAIN)
        )
        .values(last_used_at=now)
    )


def list_tokens(session: Session, username: str) -> list[ApiToken]:
    """A user's tokens, newest first, revoked and expired ones included."""
    user = find_user(session, username) if USERNAME_PATTERN.match(username) else None
    if user is None:
        raise NotFound(f"Pengguna '{username[:64]}' tidak ditemukan.")
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_token(
    session: Session, *, actor, token_id: int, now: datetime | None = None
) -> ApiToken:
    """Revoke one token by its id: its owner may, and the operator (SYSTEM)
    or an administrator may revoke anyone's. Revoking twice changes nothing."""
    record = session.scalar(
        select(ApiToken).where(ApiToken.id == token_id).with_for_update()
    )
    if record is None:
        raise NotFound(f"Token {token_id} tidak ditemukan.")
    if actor is not SYSTEM and (
        actor is None
        or not actor.is_active
        or (actor.id != record.user_id and actor.role != ADMIN)
    ):
        raise NotFound(f"Token {token_id} tidak ditemukan.")
    if record.revoked_at is None:
        record.revoked_at = now or utcnow()
        audit.record(
            session,
            actor,
            "token.revoke",
            record.user,
            after={"token": record.id, "label": record.label},
        )
    return record


def token_state(record: ApiToken, now: datetime) -> str:
    """active, expired or revoked."""
    if record.revoked_at is not None:
        return "revoked"
    if record.expires_at <= now:
        return "expired"
    return "active"


def _revoke_all_tokens(session: Session, user: User, now: datetime) -> int:
    result = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return result.rowcount or 0


def end_sessions(session: Session, user_id: int) -> None:
    """Bump the user's session generation: every browser session opened before
    stops working on its next request (logout, deactivation)."""
    session.execute(
        update(User)
        .where(User.id == user_id)
        .values(session_generation=User.session_generation + 1)
    )


def list_organisations(session: Session) -> list[Organisation]:
    """Every organisation, each after its parent (a tree read top-down), by name."""
    everyone = list(session.scalars(select(Organisation).order_by(Organisation.name)))
    children: dict[int | None, list[Organisation]] = {}
    for organisation in everyone:
        children.setdefault(organisation.parent_id, []).append(organisation)
    ordered: list[Organisation] = []

    def visit(parent_id: int | None) -> None:
        for organisation in children.get(parent_id, []):
            ordered.append(organisation)
            visit(organisation.id)

    visit(None)
    return ordered


def organisation_depth(organisation: Organisation) -> int:
    """How many ancestors the organisation has (0 for a root)."""
    depth, parent = 0, organisation.parent
    while parent is not None:
        depth, parent = depth + 1, parent.parent
    return depth


def list_users(session: Session) -> list[User]:
    """Every user, active ones first, by username."""
    return list(
        session.scalars(select(User).order_by(User.is_active.desc(), User.username))
    )


def deactivate_user(session: Session, *, actor, username: str) -> User:
    """Close an account: its sessions and tokens stop working on the next request.
    Only an administrator (or the operator at the command line) may do it, and
    never to their own account."""
    if actor is not SYSTEM and (
        actor is None or not actor.is_active or actor.role != ADMIN
    ):
        raise Forbidden("Hanya administrator yang dapat menonaktifkan pengguna.")
    user = find_user(session, username) if USERNAME_PATTERN.match(username) else None
    if user is None:
        raise NotFound(f"Pengguna '{username[:64]}' tidak ditemukan.")
    if actor is not SYSTEM and user.id == actor.id:
        raise Conflict("Anda tidak dapat menonaktifkan akun Anda sendiri.")
    if user.is_active:
        user.is_active = False
        revoked = _revoke_all_tokens(session, user, utcnow())
        end_sessions(session, user.id)
        audit.record(
            session,
            actor,
            "user.deactivate",
            user,
            before={"is_active": True},
            after={"is_active": False, "tokens_revoked": revoked},
        )
    return user


def ppid_title(body: str) -> str:
    """The PPID of a public body, naming it once: "PPID Dinas X", but "PPID Utama
    Provinsi Y" as it is (organisation names often carry the word already)."""
    body = " ".join((body or "").split())
    if re.search(r"\bPPID\b", body, re.IGNORECASE):
        return body
    return f"PPID {body}".strip()


def _require_admin(actor, message: str) -> None:
    if actor is not SYSTEM and (
        actor is None or not actor.is_active or actor.role != ADMIN
    ):
        raise Forbidden(message)


def _existing_user(session: Session, username: str) -> User:
    user = find_user(session, username) if USERNAME_PATTERN.match(username) else None
    if user is None:
        raise NotFound(f"Pengguna '{username[:64]}' tidak ditemukan.")
    return user


def change_role(
    session: Session, *, actor, username: str, role: str, org_slug: str | None
) -> User:
    """The administrator moves a user to another role or organisation; the
    user's sessions end, so the new rights apply from the next login."""
    _require_admin(actor, "Hanya administrator yang dapat mengubah peran pengguna.")
    user = _existing_user(session, username or "")
    if role not in ROLES:
        raise ValidationError(
            f"Peran wajib salah satu dari: {', '.join(ROLES)}.", "role"
        )
    if actor is not SYSTEM and user.id == actor.id and role != ADMIN:
        raise Conflict("Anda tidak dapat mencabut peran administrator Anda sendiri.")
    organisation = _user_organisation(session, role, org_slug)
    before = {"role": user.role, "org": getattr(user.organisation, "slug", None)}
    after = {"role": role, "org": getattr(organisation, "slug", None)}
    if before != after:
        user.role, user.organisation = role, organisation
        end_sessions(session, user.id)
        audit.record(session, actor, "user.role", user, before=before, after=after)
    return user


def reset_password(
    session: Session,
    *,
    actor,
    username: str,
    password: str,
    hash_method: str = DEFAULT_PASSWORD_HASH,
) -> User:
    """The administrator sets a new password (to hand over safely); every
    session of the user ends and the lockout is lifted. hash_method: the
    settings' password_hash."""
    _require_admin(actor, "Hanya administrator yang dapat mengatur ulang kata sandi.")
    user = _existing_user(session, username or "")
    user.password_hash = _hash_password(password or "", hash_method)
    user.failed_logins, user.locked_until = 0, None
    end_sessions(session, user.id)
    audit.record(session, actor, "user.password_reset", user, after={"reset": True})
    return user
