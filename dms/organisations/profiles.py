"""Reading and editing an organisation's PPID profile.

The admin and the PPID Utama edit every profile; a PPID Pelaksana only its own
organisation's. Every edit is audited with the fields before and after."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from dms import audit
from dms.accounts.models import Organisation, User
from dms.accounts.roles import ADMIN, PPID_PELAKSANA, PPID_UTAMA
from dms.accounts.service import find_organisation
from dms.db import utcnow
from dms.documents.access import can_see
from dms.documents.models import Document
from dms.errors import Forbidden, NotFound, ValidationError
from dms.organisations.models import OrganisationProfile

# The free-text fields and their length limits (characters).
TEXT_LIMITS = {
    "address": 1000,
    "phone": 64,
    "email": 255,
    "website": 255,
    "service_hours": 2000,
    "maklumat": 10_000,
    "service_standard": 20_000,
    "fees": 5000,
    "dispute_procedure": 10_000,
}
MAX_OFFICERS = 50
MAX_OFFICER_TEXT = 255
MAX_SOPS = 30
FIELDS = (*TEXT_LIMITS, "officers", "sk_ppid_document_id", "sop_document_ids")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
WEBSITE_PATTERN = re.compile(r"^https?://[^\s]+$")


@dataclass(frozen=True)
class ProfileView:
    """A profile as a reader sees it: documents the reader may not see are left out."""

    organisation: Organisation
    profile: OrganisationProfile
    sk_ppid: Document | None
    sops: list[Document]


def may_edit(actor: User | None, organisation: Organisation) -> bool:
    """Admin and Utama: every organisation; a Pelaksana: its own."""
    if actor is None or not actor.is_active:
        return False
    if actor.role in (ADMIN, PPID_UTAMA):
        return True
    return actor.role == PPID_PELAKSANA and actor.organisation_id == organisation.id


def get_profile(session: Session, actor: User | None, slug: str) -> ProfileView:
    """The organisation's profile (empty fields when never edited)."""
    organisation = _organisation(session, slug)
    profile = session.get(OrganisationProfile, organisation.id) or _empty(organisation)
    sk_ppid = _visible(session, actor, [profile.sk_ppid_document_id])
    return ProfileView(
        organisation=organisation,
        profile=profile,
        sk_ppid=sk_ppid[0] if sk_ppid else None,
        sops=_visible(session, actor, profile.sop_document_ids or []),
    )


def update_profile(
    session: Session, *, actor: User | None, slug: str, changes: dict[str, Any]
) -> ProfileView:
    """Change the given fields of the profile; refuse a bad one with its field."""
    organisation = _organisation(session, slug)
    if not may_edit(actor, organisation):
        raise Forbidden("Anda tidak berwenang mengubah profil organisasi ini.")
    clean = {
        name: _clean(session, organisation, name, value)
        for name, value in changes.items()
        if name in FIELDS
    }
    profile = session.get(OrganisationProfile, organisation.id)
    if profile is None:
        profile = _empty(organisation)
        session.add(profile)
    changed = {k: v for k, v in clean.items() if getattr(profile, k) != v}
    if changed:
        before = {name: getattr(profile, name) for name in changed}
        for name, value in changed.items():
            setattr(profile, name, value)
        profile.updated_at = utcnow()
        profile.updated_by_id = getattr(actor, "id", None)
        audit.record(
            session,
            actor,
            "organisation.profile",
            organisation,
            before=before,
            after=changed,
        )
    return get_profile(session, actor, slug)


def profile_json(view: ProfileView) -> dict[str, Any]:
    """The profile as the API and the embeddable fragments show it."""
    profile = view.profile
    return {
        "slug": view.organisation.slug,
        "name": view.organisation.name,
        "is_utama": view.organisation.is_utama,
        **{name: getattr(profile, name) or "" for name in TEXT_LIMITS},
        "officers": list(profile.officers or []),
        "sk_ppid": _document_json(view.sk_ppid),
        "sops": [_document_json(document) for document in view.sops],
    }


def _document_json(document: Document | None) -> dict[str, Any] | None:
    if document is None:
        return None
    return {"id": document.id, "title": document.title}


def _organisation(session: Session, slug: str) -> Organisation:
    organisation = find_organisation(session, slug or "")
    if organisation is None:
        raise NotFound(f"Organisasi '{slug}' tidak ditemukan.")
    return organisation


def _empty(organisation: Organisation) -> OrganisationProfile:
    profile = OrganisationProfile(organisation=organisation)
    for name in TEXT_LIMITS:
        setattr(profile, name, "")
    profile.officers = []
    profile.sop_document_ids = []
    return profile


def _visible(session: Session, actor, ids) -> list[Document]:
    documents = [session.get(Document, i) for i in ids if i is not None]
    return [d for d in documents if d is not None and can_see(actor, d)]


def _clean(session: Session, organisation: Organisation, name: str, value: Any):
    if name == "officers":
        return _officers(value)
    if name == "sk_ppid_document_id":
        if value is None:
            return None
        return _document_id(session, organisation, value, name)
    if name == "sop_document_ids":
        return _sop_ids(session, organisation, value)
    return _text(name, value)


def _text(name: str, value: Any) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"'{name}' harus berupa teks.", name)
    value = value.strip()
    if len(value) > TEXT_LIMITS[name]:
        raise ValidationError(
            f"'{name}' paling banyak {TEXT_LIMITS[name]} karakter.", name
        )
    if name == "email" and value and not EMAIL_PATTERN.match(value):
        raise ValidationError("Alamat email tidak valid.", name)
    if name == "website" and value and not WEBSITE_PATTERN.match(value):
        raise ValidationError("Alamat situs harus diawali http:// atau https://.", name)
    return value


def _officers(value: Any) -> list[dict[str, str]]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_OFFICERS:
        raise ValidationError(
            f"'officers' harus berupa daftar (paling banyak {MAX_OFFICERS}).",
            "officers",
        )
    officers = []
    for number, row in enumerate(value, start=1):
        if not isinstance(row, dict):
            raise ValidationError(
                f"Pejabat ke-{number}: isi nama dan jabatan.", "officers"
            )
        name = row.get("name")
        position = row.get("position")
        if not all(isinstance(v, str) and v.strip() for v in (name, position)):
            raise ValidationError(
                f"Pejabat ke-{number}: nama dan jabatan wajib diisi.", "officers"
            )
        if max(len(name), len(position)) > MAX_OFFICER_TEXT:
            raise ValidationError(
                f"Pejabat ke-{number}: nama atau jabatan terlalu panjang.", "officers"
            )
        officers.append({"name": name.strip(), "position": position.strip()})
    return officers


def _sop_ids(session: Session, organisation: Organisation, value: Any) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_SOPS:
        raise ValidationError(
            f"'sop_document_ids' harus berupa daftar (paling banyak {MAX_SOPS}).",
            "sop_document_ids",
        )
    ids = [_document_id(session, organisation, v, "sop_document_ids") for v in value]
    return list(dict.fromkeys(ids))


def _document_id(
    session: Session, organisation: Organisation, value: Any, field: str
) -> int:
    """A document of this organisation that the public may read."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(f"'{field}' harus berupa nomor dokumen.", field)
    document = session.get(Document, value) if value < 2**31 else None
    if document is None or document.organisation_id != organisation.id:
        raise ValidationError(
            f"Dokumen {value} bukan dokumen {organisation.name}.", field
        )
    if not can_see(None, document):
        raise ValidationError(
            f"Dokumen {value} belum terbit untuk umum (atau dikecualikan); "
            "terbitkan dahulu.",
            field,
        )
    return value
