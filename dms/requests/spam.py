"""Spam guards for the public request form that need no third-party service.

A honeypot field that people never see (bots fill every field), and a small
arithmetic question. The form carries a token signed with the app's secret key
(itsdangerous) that holds a nonce and an HMAC of nonce and answer: the answer
itself is never in the page, so a bot cannot read it from the token, and the
token expires after an hour. A challenge admits one submission: its nonce is
recorded (UsedChallenge) in the transaction that files the request, until the
token would have expired anyway. Rate limits sit at the web edge.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dms.errors import ValidationError
from dms.requests.models import UsedChallenge

SALT = "dms.permohonan.challenge"
MAX_AGE_SECONDS = 3600
HONEYPOT_FIELD = "situs_web"


@dataclass(frozen=True)
class Challenge:
    """The question's two terms (the page words it) and the signed token."""

    first: int
    second: int
    token: str

    @property
    def question(self) -> str:
        """The question in words, as the form asks it (no separate numbers)."""
        return f"Berapakah {self.first} ditambah {self.second}?"


@dataclass(frozen=True)
class Solved:
    """A rightly answered challenge, not yet spent: its nonce and its expiry."""

    nonce: str
    expires_at: datetime


def new_challenge(secret_key: str) -> Challenge:
    """A fresh question: the sum of two small numbers."""
    first, second = 2 + secrets.randbelow(8), 1 + secrets.randbelow(9)
    nonce = secrets.token_urlsafe(12)
    token = _serializer(secret_key).dumps(
        {"n": nonce, "h": _digest(secret_key, nonce, first + second)}
    )
    return Challenge(first, second, token)


def check_challenge(secret_key: str, token: str | None, answer) -> Solved:
    """The solved challenge; a ValidationError on the answer field unless the
    answer answers the token's question. Spend it with spend_challenge."""
    if token is not None and not isinstance(token, str):
        raise ValidationError(
            "Pertanyaan pengaman tidak valid; muat ulang formulir.", "challenge_answer"
        )
    try:
        payload, signed_at = _serializer(secret_key).loads(
            token or "", max_age=MAX_AGE_SECONDS, return_timestamp=True
        )
    except SignatureExpired:
        raise ValidationError(
            "Pertanyaan pengaman sudah kedaluwarsa (lebih dari satu jam); jawab "
            "pertanyaan yang baru.",
            "challenge_answer",
        ) from None
    except BadSignature:
        raise ValidationError(
            "Pertanyaan pengaman tidak valid; muat ulang formulir.", "challenge_answer"
        ) from None
    number = _whole_number(answer)
    expected = payload.get("h", "") if isinstance(payload, dict) else ""
    nonce = payload.get("n", "") if isinstance(payload, dict) else ""
    if number is None or not hmac.compare_digest(
        str(expected), _digest(secret_key, str(nonce), number)
    ):
        raise ValidationError(
            "Jawaban pertanyaan pengaman salah; tulis hasil penjumlahannya dengan "
            "angka.",
            "challenge_answer",
        )
    return Solved(str(nonce), signed_at + timedelta(seconds=MAX_AGE_SECONDS))


def spend_challenge(session: Session, solved: Solved, now: datetime) -> None:
    """Record the challenge as used, in the caller's transaction (the one that
    files what it admits): a second submission with it is refused, also when
    both arrive at once (the nonce is the primary key). Nonces of expired
    challenges are forgotten here, since their tokens are refused anyway."""
    session.execute(delete(UsedChallenge).where(UsedChallenge.expires_at < now))
    if session.get(UsedChallenge, solved.nonce) is not None:
        raise _used()
    session.add(UsedChallenge(nonce=solved.nonce, expires_at=solved.expires_at))
    try:
        session.flush()
    except IntegrityError:
        raise _used() from None


def _used() -> ValidationError:
    return ValidationError(
        "Pertanyaan pengaman ini sudah dipakai untuk satu pengajuan; jawab "
        "pertanyaan yang baru.",
        "challenge_answer",
    )


def check_honeypot(value) -> None:
    """Refuse a submission that filled the field no person sees."""
    if value:
        raise ValidationError(
            "Permohonan tidak dapat diterima: kolom yang harus dibiarkan kosong "
            "ternyata terisi.",
            HONEYPOT_FIELD,
        )


def _whole_number(answer) -> int | None:
    text = str(answer if answer is not None else "").strip()
    ascii_digits = text.isascii() and text.isdigit()
    return int(text) if ascii_digits and len(text) <= 3 else None


def _digest(secret_key: str, nonce: str, answer: int) -> str:
    message = f"{nonce}:{answer}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT)
