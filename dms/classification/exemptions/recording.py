"""Recording a test (the PPID Utama's written record) and checking its fields."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from dms import audit
from dms.accounts.roles import PPID_UTAMA
from dms.classification.exemptions import notify
from dms.classification.exemptions.reading import (
    LAST_END,
    MAX_LIMITED_YEARS,
    MAX_RECORD_AGE_YEARS,
    NUMBER_SERIES,
    OPEN_STATES,
    RECORD_FIELDS,
    RECORD_TEXTS,
    locked_test,
    record_snapshot,
    require_role,
    require_state,
)
from dms.classification.rules import add_months
from dms.db import utcnow
from dms.documents.consequence_tests import (
    DECISIONS,
    EXEMPT_PART,
    GROUNDS,
    INDEFINITE_GROUNDS,
    NOT_EXEMPT,
    PERIOD_DATE,
    PERIOD_DURATION,
    PERIOD_EVENT,
    PERIOD_INDEFINITE,
    PERIOD_KINDS,
    RECORDED,
    ConsequenceTest,
)
from dms.errors import ValidationError


def record(
    session: Session, *, actor, test_id: int, fields: dict[str, Any], today: date
) -> ConsequenceTest:
    """The PPID Utama writes the lembar pengujian konsekuensi; it may be corrected
    until the atasan PPID decides. The number is issued on the first record."""
    require_role(actor, PPID_UTAMA, "mencatat uji konsekuensi")
    test = locked_test(session, actor, test_id)
    require_state(test, OPEN_STATES, "dicatat")
    values = validated_record(fields, today)
    before = record_snapshot(test) if test.state == RECORDED else None
    for name, value in values.items():
        setattr(test, name, value)
    if test.number is None:
        test.number = _issue_number(session, values["test_date"].year)
    test.state = RECORDED
    test.recorded_by_id = actor.id
    test.recorded_at = test.updated_at = utcnow()
    if test.decision != EXEMPT_PART:
        test.redacted_document_id = None
    audit.record(
        session, actor, "test.record", test, before=before, after=record_snapshot(test)
    )
    notify.awaiting_decision(session, test, corrected=before is not None)
    return test


def _issue_number(session: Session, year: int) -> str:
    from dms.numbering import next_number

    return f"UK-{year}-{next_number(session, NUMBER_SERIES, year):04d}"


def validated_record(fields: dict[str, Any], today: date) -> dict[str, Any]:
    """The record's values, checked; ValidationError names the first bad field."""
    unknown = sorted(set(fields) - set(RECORD_FIELDS))
    if unknown:
        raise ValidationError(f"Kolom tidak dikenal: {', '.join(unknown)}.")
    values = {
        name: checked_text(name, fields.get(name), limit)
        for name, limit in RECORD_TEXTS.items()
    }
    values["test_date"] = _test_date(fields.get("test_date"), today)
    values["decision"] = checked_choice("decision", fields.get("decision"), DECISIONS)
    values["participants"] = _participants(fields.get("participants"))
    for name in ("place", "specific_information", "source_documents"):
        _required(values, name)
    _required(values, "consequence_if_opened")
    _required(values, "consequence_if_closed")
    exempt = values["decision"] != NOT_EXEMPT
    values["ground_letter"] = _ground(fields.get("ground_letter"), required=exempt)
    _check_ground_details(values)
    kind, value = _period(fields.get("period"), required=exempt)
    values["period_kind"], values["period_value"] = kind, value
    if exempt:
        _check_period(values)
    return values


def _test_date(value: Any, today: date) -> date:
    """A test is recorded after it took place, and not years later."""
    day = checked_date("test_date", value)
    if not add_months(today, -12 * MAX_RECORD_AGE_YEARS) <= day <= today:
        raise ValidationError(
            "Tanggal pengujian tidak boleh di masa depan atau lebih dari "
            f"{MAX_RECORD_AGE_YEARS} tahun yang lalu.",
            "test_date",
        )
    return day


def _required(values: dict[str, Any], name: str) -> None:
    if not values.get(name):
        raise ValidationError(f"Kolom {name} wajib diisi.", name)


def checked_text(name: str, value: Any, limit: int) -> str:
    if value is not None and not isinstance(value, str):
        raise ValidationError(f"Kolom {name} harus berupa teks.", name)
    text = (value or "").strip()
    if "\x00" in text:
        raise ValidationError(f"Kolom {name} berisi karakter NUL.", name)
    if len(text) > limit:
        raise ValidationError(f"Kolom {name} melebihi {limit} karakter.", name)
    return text


def checked_date(name: str, value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip() if isinstance(value, str) else "")
    except ValueError:
        raise ValidationError(
            f"Kolom {name} wajib berupa tanggal (YYYY-MM-DD).", name
        ) from None


def checked_choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ValidationError(
            f"Kolom {name} wajib salah satu dari: {', '.join(choices)}.", name
        )
    return value


def _participants(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise ValidationError(
            "Sebutkan peserta pengujian (daftar nama dan jabatan).", "participants"
        )
    names = [checked_text("participants", item, 255) for item in value]
    if not all(names) or len(names) > 100:
        raise ValidationError("Nama peserta tidak boleh kosong.", "participants")
    return names


def _ground(value: Any, *, required: bool) -> str | None:
    if value in (None, "") and not required:
        return None
    check_ground(value)
    return value


def check_ground(value: Any) -> None:
    if value not in GROUNDS:
        raise ValidationError(
            "Dasar pengecualian wajib huruf a-j dari UU 14/2008 Pasal 17.",
            "ground_letter",
        )


def _check_ground_details(values: dict[str, Any]) -> None:
    letter = values["ground_letter"]
    if letter in ("a", "h") and not values["ground_subitem"]:
        raise ValidationError(
            f"Pasal 17 huruf {letter} memerlukan angka/butirnya (ground_subitem).",
            "ground_subitem",
        )
    if letter == "j" and not values["other_statute"]:
        raise ValidationError(
            "Pasal 17 huruf j: sebutkan undang-undang yang melarang (other_statute).",
            "other_statute",
        )


DURATION = re.compile(r"^P(?:(\d{1,3})Y)?(?:(\d{1,4})M)?$")


def _period(value: Any, *, required: bool) -> tuple[str | None, str]:
    if value in (None, {}) and not required:
        return None, ""
    if not isinstance(value, dict):
        raise ValidationError(
            "Jangka waktu pengecualian wajib berupa {kind, value}: kind salah satu "
            f"dari {', '.join(PERIOD_KINDS)}.",
            "period",
        )
    kind = checked_choice("period", value.get("kind"), PERIOD_KINDS)
    raw = checked_text("period", value.get("value"), 255)
    if kind == PERIOD_DATE:
        raw = checked_date("period", raw).isoformat()
    elif kind == PERIOD_DURATION and not _duration_months(raw):
        raise ValidationError(
            "Lama pengecualian ditulis ISO 8601, misalnya P5Y (5 tahun) atau "
            "P18M (18 bulan).",
            "period",
        )
    elif kind == PERIOD_EVENT and not raw:
        raise ValidationError(
            "Sebutkan peristiwa yang mengakhiri pengecualian.", "period"
        )
    elif kind == PERIOD_INDEFINITE:
        raw = ""
    return kind, raw


def _duration_months(value: str) -> int:
    match = DURATION.match(value or "")
    if not match or not any(match.groups()):
        return 0
    years, months = (int(part or 0) for part in match.groups())
    return years * 12 + months


def _check_period(values: dict[str, Any]) -> None:
    letter, kind = values["ground_letter"], values["period_kind"]
    if kind == PERIOD_INDEFINITE and letter not in INDEFINITE_GROUNDS:
        raise ValidationError(
            "Pengecualian tanpa batas waktu hanya untuk Pasal 17 huruf g-j.", "period"
        )
    check_end(values["test_date"], letter, kind, values["period_value"])


def check_end(start: date, letter: str, kind: str, value: str) -> date | None:
    """The end of a period that starts on `start`, checked against the law's
    limits; ValidationError (field "period") when it is not acceptable."""
    end = _period_end(kind, value, start, letter)
    if end is None:
        return None
    if end <= start:
        raise ValidationError(
            "Jangka waktu pengecualian harus berakhir setelah tanggal pengujian "
            "dan persetujuannya.",
            "period",
        )
    limit = add_months(start, MAX_LIMITED_YEARS * 12)
    if letter not in INDEFINITE_GROUNDS and end > limit:
        raise ValidationError(
            f"Pengecualian Pasal 17 huruf {letter} paling lama "
            f"{MAX_LIMITED_YEARS} tahun.",
            "period",
        )
    if end > LAST_END:
        raise ValidationError(
            "Jangka waktu pengecualian berakhir paling lambat tahun 2100; untuk "
            "huruf g-j gunakan 'tanpa batas waktu'.",
            "period",
        )
    return end


def _period_end(kind: str | None, value: str, start: date, letter: str) -> date | None:
    """The day the exemption ends (the document opens that day), if it has one.
    An event ends a limited ground's exemption at the latest after 30 years."""
    try:
        if kind == PERIOD_DATE:
            return date.fromisoformat(value)
        if kind == PERIOD_DURATION:
            return add_months(start, _duration_months(value))
        if kind == PERIOD_EVENT and letter not in INDEFINITE_GROUNDS:
            return add_months(start, MAX_LIMITED_YEARS * 12)
    except (ValueError, OverflowError):
        raise ValidationError(
            "Jangka waktu pengecualian di luar rentang tanggal.", "period"
        ) from None
    return None
