"""Organisation profiles under /api/v1/organisations: thin views over
dms.organisations.profiles (which decides who may read or change what)."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from pydantic import Field

from dms.accounts.models import User
from dms.organisations import profiles
from dms.web.api.base import (
    ApiBlueprint,
    authenticated_user_id,
    current_actor,
    current_archive,
    given,
    parse_json,
)
from dms.web.api.openapi import Reply, describe, paths_of
from dms.web.api.schemas import ByService, Input, Output

bp = ApiBlueprint("organisations", __name__)


def _text(name: str, description: str):
    return Field(None, max_length=profiles.TEXT_LIMITS[name], description=description)


class Officer(Output):
    """One row of the PPID structure: a name and a position, nothing more."""

    name: str
    position: str


class DocumentRef(Output):
    id: int
    title: str


class ProfileInput(Input):
    """PUT /organisations/{slug}: the fields to change (absent ones are kept)."""

    address: ByService[str] = _text("address", "Postal address")
    phone: ByService[str] = _text("phone", "Telephone number of the PPID desk")
    email: ByService[str] = _text("email", "The PPID's email address")
    website: ByService[str] = _text("website", "Website, http:// or https://")
    service_hours: ByService[str] = _text("service_hours", "Service hours")
    sk_ppid_document_id: ByService[int] | None = Field(
        None,
        description="The published document of the SK PPID (decree), or null",
    )
    officers: ByService[list[Officer]] = Field(
        None,
        description=f"The PPID structure, at most {profiles.MAX_OFFICERS} rows "
        "of name and position",
    )
    maklumat: ByService[str] = _text("maklumat", "Maklumat pelayanan")
    service_standard: ByService[str] = _text(
        "service_standard", "Service standard (standar layanan)"
    )
    fees: ByService[str] = _text("fees", "Fee schedule (biaya)")
    sop_document_ids: ByService[list[int]] = Field(
        None,
        description=f"Published documents of the SOPs, at most {profiles.MAX_SOPS}",
    )
    dispute_procedure: ByService[str] = _text(
        "dispute_procedure", "Procedure for objections and disputes"
    )


class Profile(Output):
    """An organisation's PPID profile; documents hidden from the reader are left out."""

    slug: str
    name: str
    is_utama: bool
    address: str
    phone: str
    email: str
    website: str
    service_hours: str
    officers: list[Officer]
    maklumat: str
    service_standard: str
    fees: str
    dispute_procedure: str
    sk_ppid: DocumentRef | None
    sops: list[DocumentRef]


@bp.get("/organisations/<string:slug>")
@describe(
    "An organisation's PPID profile (anyone)",
    replies={"200": Reply("The profile", Profile)},
    errors=("401", "404"),
)
def get_profile(slug: str):
    with current_archive().reading() as session:
        actor = current_actor(session)
        view = profiles.get_profile(session, actor, slug)
        return jsonify(profiles.profile_json(view))


@bp.put("/organisations/<string:slug>")
@describe(
    "Change an organisation's PPID profile (admin, PPID Utama, or the "
    "organisation's own PPID Pelaksana)",
    description="Only the fields sent change. Documents must be published "
    "documents of the organisation. Audited.",
    body=ProfileInput,
    body_required=True,
    replies={"200": Reply("The profile", Profile)},
    errors=("400", "401", "403", "404", "422"),
    bearer=True,
)
def put_profile(slug: str):
    actor_id = authenticated_user_id()
    changes: dict[str, Any] = given(parse_json(ProfileInput))
    with current_archive().transaction() as session:
        view = profiles.update_profile(
            session, actor=session.get(User, actor_id), slug=slug, changes=changes
        )
        return jsonify(profiles.profile_json(view))


def openapi_paths() -> dict[str, Any]:
    """This blueprint's paths for the OpenAPI document (relative to /api/v1)."""
    return paths_of(bp)
