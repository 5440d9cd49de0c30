"""The DIP and the DIK (DOMAIN.md §5): the rows of both public registers.

Both registers are public and the same for every caller, so they take no actor:
the DIP lists only what PUBLIC_CLAUSE lets anyone see, and the DIK reads nothing
of an exempt document but its title, never its content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, contains_eager

from dms.accounts.models import Organisation
from dms.accounts.service import SLUG_PATTERN, find_organisation
from dms.categories import CATEGORIES, PUBLIC_LABELS
from dms.db import utcnow
from dms.documents.access import PUBLIC_CLAUSE
from dms.documents.consequence_tests import (
    APPROVED,
    EXEMPT_PART,
    EXEMPT_WHOLE,
    EXPIRED,
    OPENED,
    PERIOD_DATE,
    PERIOD_DURATION,
    PERIOD_EVENT,
    PERIOD_INDEFINITE,
    SUPERSEDED,
    ConsequenceTest,
)
from dms.documents.models import Document
from dms.errors import NotFound
from dms.output.dates import indonesian_date, local_date

DIP = "dip"
DIK = "dik"
TITLES = {DIP: "Daftar Informasi Publik", DIK: "Daftar Informasi yang Dikecualikan"}
CONSOLIDATED = "Konsolidasi"
# Dates on the registers are the date in the province, not in UTC.
# The public face of a document; API.md keeps this path stable.
DOCUMENT_PATH = "/api/v1/documents/{id}"

CATEGORY_LABELS = PUBLIC_LABELS
FORM_LABELS = {"print": "tercetak", "recording": "rekaman", "electronic": "elektronik"}
# The DIP fields a complete row needs, with the words the page uses for them.
REQUIRED_DIP_FIELDS = {
    "summary": "ringkasan isi",
    "dip_responsible": "penanggung jawab pembuatan",
    "dip_production_time": "waktu pembuatan",
    "dip_production_place": "tempat pembuatan",
    "dip_form": "bentuk informasi",
    "dip_retention": "jangka waktu penyimpanan",
}
DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
DURATION_UNITS = ("tahun", "bulan", "minggu", "hari")
STATUS_LABELS = {EXPIRED: "berakhir", OPENED: "dibuka berdasarkan putusan"}
ACTIVE_LABEL = "berlaku"
PART_LABELS = {
    EXEMPT_WHOLE: "dikecualikan seluruhnya",
    EXEMPT_PART: "dikecualikan sebagian",
}


@dataclass(frozen=True)
class OrgRef:
    """An organisation as the registers name it."""

    slug: str
    name: str


@dataclass(frozen=True)
class DipRow:
    """One entry of the DIP: a published, non-exempt document."""

    number: int
    document_id: int
    title: str
    summary: str
    unit: str
    responsible: str
    production_time: str
    production_place: str
    forms: tuple[str, ...]
    retention: str
    category: str
    org: OrgRef
    year: int | None
    url: str
    missing: tuple[str, ...]

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS.get(self.category, self.category)

    @property
    def made(self) -> str:
        """Time and place of production, as one phrase."""
        return ", ".join(p for p in (self.production_time, self.production_place) if p)

    @property
    def forms_label(self) -> str:
        return ", ".join(FORM_LABELS.get(form, form) for form in self.forms)

    @property
    def missing_label(self) -> str:
        """'Belum lengkap: ...' naming the empty fields, or '' when complete."""
        if not self.missing:
            return ""
        names = ", ".join(REQUIRED_DIP_FIELDS[name] for name in self.missing)
        return f"Belum lengkap: {names}"


@dataclass(frozen=True)
class DikRow:
    """One entry of the DIK: the public facts of an exemption, none of the content."""

    number: int
    title: str
    legal_basis: str
    consequence: str
    period_kind: str | None
    expires_on: date | None
    period: str
    decision: str
    status: str
    status_label: str
    test_number: str
    decided_on: date | None
    org: OrgRef
    # Flagged by the expiry job: the period ends within 30 working days.
    expiring: bool = False

    @property
    def partial(self) -> bool:
        return self.decision == EXEMPT_PART

    @property
    def decision_label(self) -> str:
        return PART_LABELS.get(self.decision, self.decision)


@dataclass(frozen=True)
class Register:
    """A DIP or a DIK, for one organisation or consolidated (org None)."""

    kind: str
    org: OrgRef | None
    rows: list = field(default_factory=list)
    # The public body's time zone (settings.timezone): the register's date.
    timezone: str = "UTC"
    generated_at: datetime = field(default_factory=utcnow)

    @property
    def title(self) -> str:
        """e.g. 'Daftar Informasi Publik — Dinas Kesehatan'."""
        return f"{TITLES[self.kind]} — {self.org.name if self.org else CONSOLIDATED}"

    @property
    def generated_on(self) -> date:
        return self.generated_at.astimezone(ZoneInfo(self.timezone)).date()

    def by_organisation(self) -> list[tuple[OrgRef, list]]:
        """The rows in runs of one organisation each, in register order."""
        return [(org, list(rows)) for org, rows in groupby(self.rows, lambda r: r.org)]

    def filename(self, extension: str) -> str:
        """e.g. dip-dinkes-2026-11-23.xlsx, dik-konsolidasi-2026-11-23.pdf."""
        scope = self.org.slug if self.org else CONSOLIDATED.lower()
        return f"{self.kind}-{scope}-{self.generated_on.isoformat()}.{extension}"


def dip_register(
    session: Session, *, timezone: str, org_slug: str | None = None
) -> Register:
    """The DIP of one organisation (by slug) or of all; NotFound for an unknown slug.
    `timezone` is the public body's (settings.timezone): the register's dates."""
    organisation = _organisation(session, org_slug)
    rows = dip_rows(session, organisation)
    return Register(DIP, _ref(organisation), rows, timezone)


def dik_register(
    session: Session, *, timezone: str, org_slug: str | None = None
) -> Register:
    """The DIK of one organisation (by slug) or of all; NotFound for an unknown slug.
    `timezone` is the public body's: the day each exemption was decided."""
    organisation = _organisation(session, org_slug)
    rows = dik_rows(session, organisation, timezone=timezone)
    return Register(DIK, _ref(organisation), rows, timezone)


def organisations(session: Session) -> list[OrgRef]:
    """Every organisation, by name, for choosing a register."""
    rows = session.execute(select(Organisation.slug, Organisation.name)).all()
    return sorted((OrgRef(*row) for row in rows), key=lambda o: _text_key(o.name))


def _organisation(session: Session, slug: str | None) -> Organisation | None:
    if not slug:
        return None
    organisation = (
        find_organisation(session, slug) if SLUG_PATTERN.match(slug) else None
    )
    if organisation is None:
        raise NotFound(f"Badan publik '{slug[:64]}' tidak ditemukan.")
    return organisation


def _ref(organisation: Organisation | None) -> OrgRef | None:
    return OrgRef(organisation.slug, organisation.name) if organisation else None


def _text_key(text: str) -> str:
    # Sorted here, not in SQL, so both databases give the same order.
    return text.casefold()


# --- the DIP -----------------------------------------------------------------------


def dip_rows(
    session: Session, organisation: Organisation | None = None
) -> list[DipRow]:
    """The DIP rows, by organisation, category and title, numbered from 1."""
    query = (
        select(Document)
        .join(Document.organisation)
        .options(contains_eager(Document.organisation))
        .where(PUBLIC_CLAUSE)
    )
    if organisation is not None:
        query = query.where(Document.organisation_id == organisation.id)
    documents = sorted(session.scalars(query), key=_dip_order)
    return [_dip_row(n, d) for n, d in enumerate(documents, start=1)]


def _dip_order(document: Document) -> tuple:
    rank = CATEGORIES.index(document.category)
    organisation = document.organisation
    return (
        _text_key(organisation.name),
        organisation.id,
        rank,
        _text_key(document.title),
        document.id,
    )


def _dip_row(number: int, document: Document) -> DipRow:
    organisation = document.organisation
    return DipRow(
        number=number,
        document_id=document.id,
        title=document.title,
        summary=document.summary,
        unit=document.dip_unit or organisation.name,
        responsible=document.dip_responsible,
        production_time=document.dip_production_time,
        production_place=document.dip_production_place,
        forms=tuple(f.strip() for f in document.dip_form.split(",") if f.strip()),
        retention=document.dip_retention,
        category=document.category,
        org=OrgRef(organisation.slug, organisation.name),
        year=document.year,
        url=DOCUMENT_PATH.format(id=document.id),
        missing=tuple(
            name
            for name in REQUIRED_DIP_FIELDS
            if not (getattr(document, name) or "").strip()
        ),
    )


# --- the DIK -----------------------------------------------------------------------


def dik_rows(
    session: Session, organisation: Organisation | None = None, *, timezone: str
) -> list[DikRow]:
    """The DIK rows: each document's newest approved exempting test, numbered from 1."""
    newest = _newest_exempting_tests()
    query = (
        select(ConsequenceTest, Document.title, Organisation.slug, Organisation.name)
        .join(newest, newest.c.id == ConsequenceTest.id)
        .join(Document, Document.id == ConsequenceTest.document_id)
        .join(Organisation, Organisation.id == Document.organisation_id)
        .where(newest.c.rank == 1)
    )
    if organisation is not None:
        query = query.where(Document.organisation_id == organisation.id)
    found = sorted(session.execute(query).all(), key=_dik_order)
    return [
        _dik_row(n, test, title, OrgRef(slug, name), ZoneInfo(timezone))
        for n, (test, title, slug, name) in enumerate(found, start=1)
    ]


def _newest_exempting_tests():
    """Per document, its approved exempting tests ranked newest first."""
    return (
        select(
            ConsequenceTest.id,
            func.row_number()
            .over(
                partition_by=ConsequenceTest.document_id,
                order_by=(
                    ConsequenceTest.decided_at.desc().nulls_last(),
                    ConsequenceTest.id.desc(),
                ),
            )
            .label("rank"),
        )
        .where(
            ConsequenceTest.state == APPROVED,
            ConsequenceTest.decision.in_((EXEMPT_WHOLE, EXEMPT_PART)),
            or_(
                ConsequenceTest.exemption_status.is_(None),
                ConsequenceTest.exemption_status != SUPERSEDED,
            ),
        )
        .subquery()
    )


def _dik_order(found) -> tuple:
    test, title, _slug, name = found
    return (_text_key(name), _text_key(title), test.number or "", test.id)


def _dik_row(
    number: int, test: ConsequenceTest, title: str, org: OrgRef, zone: ZoneInfo
) -> DikRow:
    return DikRow(
        number=number,
        # The title as it stood when the exemption was decided.
        title=test.subject_title or title,
        legal_basis=legal_basis(test),
        consequence=test.consequence_if_opened,
        period_kind=test.period_kind,
        expires_on=test.expires_on,
        period=exemption_period(test),
        decision=test.decision or "",
        status=test.exemption_status or "active",
        status_label=exemption_status_label(test),
        test_number=test.number or "",
        decided_on=local_date(test.decided_at, zone),
        org=org,
        expiring=_expiring(test),
    )


def _expiring(test: ConsequenceTest) -> bool:
    active = test.exemption_status in (None, "active")
    return active and test.warned_at is not None


def legal_basis(test: ConsequenceTest) -> str:
    """'UU 14/2008 Pasal 17 huruf h angka 2', then the other statute if named."""
    parts = []
    if test.ground_letter:
        basis = f"UU 14/2008 Pasal 17 huruf {test.ground_letter}"
        subitem = test.ground_subitem.strip()
        if subitem:
            has_word = subitem.lower().startswith("angka")
            basis += f" {subitem}" if has_word else f" angka {subitem}"
        parts.append(basis)
    if test.other_statute.strip():
        parts.append(test.other_statute.strip())
    return "; ".join(parts)


def exemption_period(test: ConsequenceTest) -> str:
    """The period in words: 'sampai 1 Mei 2031', 'tanpa batas waktu'..."""
    if test.period_kind == PERIOD_INDEFINITE:
        return "tanpa batas waktu"
    if test.period_kind == PERIOD_EVENT and test.expires_on:
        latest = indonesian_date(test.expires_on)
        return f"sampai {test.period_value}, paling lambat {latest}".strip()
    if test.period_kind == PERIOD_EVENT:
        return f"sampai {test.period_value}".strip()
    if test.period_kind in (PERIOD_DATE, PERIOD_DURATION) and test.expires_on:
        return f"sampai {indonesian_date(test.expires_on)}"
    if test.period_kind == PERIOD_DURATION:
        return f"selama {duration_words(test.period_value)}"
    return test.period_value


def exemption_status_label(test: ConsequenceTest) -> str:
    """berlaku, berakhir, or 'dibuka berdasarkan putusan <reference>'."""
    label = STATUS_LABELS.get(test.exemption_status or "", ACTIVE_LABEL)
    reference = test.end_reference.strip()
    if _expiring(test):
        return f"{ACTIVE_LABEL}; segera berakhir"
    if test.exemption_status == OPENED and test.end_authority == "renewal":
        return f"dibuka berdasarkan uji konsekuensi {reference}".strip()
    if test.exemption_status != OPENED or not reference:
        return label
    if reference.lower().startswith("putusan"):
        # 'dibuka berdasarkan Putusan KI ...', not '... putusan Putusan KI ...'
        return f"dibuka berdasarkan {reference}"
    return f"{label} {reference}"


def duration_words(value: str) -> str:
    """An ISO 8601 duration in words ('P5Y' -> '5 tahun'); anything else as given."""
    match = DURATION.match(value.strip())
    if not match or not any(match.groups()):
        return value
    amounts = zip(match.groups(), DURATION_UNITS, strict=True)
    return " ".join(f"{int(n)} {unit}" for n, unit in amounts if n)


# --- JSON --------------------------------------------------------------------------


def register_json(register: Register) -> dict:
    """The register as the API and `dms dip --format json` give it."""
    item = dip_item if register.kind == DIP else dik_item
    return {
        "items": [item(row) for row in register.rows],
        "total": len(register.rows),
        "generated_at": register.generated_at.isoformat(),
        "org": _org_json(register.org) if register.org else None,
    }


def dip_item(row: DipRow) -> dict:
    """One DIP row; `missing` names the empty DIP fields."""
    return {
        "no": row.number,
        "id": row.document_id,
        "title": row.title,
        "summary": row.summary,
        "unit": row.unit,
        "responsible": row.responsible,
        "production_time": row.production_time,
        "production_place": row.production_place,
        "forms": list(row.forms),
        "retention": row.retention,
        "category": row.category,
        "org": _org_json(row.org),
        "year": row.year,
        "url": row.url,
        "complete": not row.missing,
        "missing": list(row.missing),
    }


def dik_item(row: DikRow) -> dict:
    """One DIK row: the public facts of the exemption only."""
    return {
        "no": row.number,
        "title": row.title,
        "legal_basis": row.legal_basis,
        "consequence": row.consequence,
        "period": {
            "kind": row.period_kind,
            "expires_on": row.expires_on.isoformat() if row.expires_on else None,
            "label": row.period,
        },
        "decision": row.decision,
        "partial": row.partial,
        "status": row.status,
        "status_label": row.status_label,
        "expiring": row.expiring,
        "test": {
            "number": row.test_number,
            "decided_on": row.decided_on.isoformat() if row.decided_on else None,
        },
        "org": _org_json(row.org),
    }


def _org_json(org: OrgRef) -> dict:
    return {"slug": org.slug, "name": org.name}
