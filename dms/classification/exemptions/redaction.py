"""The redacted version an exempt-in-part decision publishes."""

from __future__ import annotations

from typing import BinaryIO

from sqlalchemy.orm import Session

from dms import audit
from dms.accounts.roles import PPID_UTAMA
from dms.categories import BERKALA, SETIAP_SAAT
from dms.classification.exemptions.reading import (
    locked_test,
    require_role,
    require_state,
)
from dms.db import utcnow
from dms.documents import services
from dms.documents.consequence_tests import (
    EXEMPT_PART,
    RECORDED,
)
from dms.documents.models import Document
from dms.errors import InvalidTransition
from dms.storage import Storage


def attach_redacted_version(
    session: Session,
    storage: Storage,
    *,
    actor,
    test_id: int,
    fileobj: BinaryIO,
    filename: str,
    max_size: int,
    title: str = "",
    summary: str = "",
) -> Document:
    """The redacted public version of a partly exempt document (Ps. 22(7)e): a
    document of its own, linked to the original, published when the test is
    approved. A second upload becomes its next version."""
    require_role(actor, PPID_UTAMA, "mengunggah versi publik (hasil hitam-putih)")
    test = locked_test(session, actor, test_id)
    require_state(test, (RECORDED,), "diberi versi publik")
    if test.decision != EXEMPT_PART:
        raise InvalidTransition(
            "Versi publik hanya untuk putusan 'dikecualikan sebagian' (exempt_part)."
        )
    if test.redacted_document is not None:
        services.append_version(
            session,
            storage,
            actor=actor,
            document=test.redacted_document,
            fileobj=fileobj,
            filename=filename,
            note="Versi publik diperbarui",
            max_size=max_size,
        )
        return test.redacted_document
    redacted = _new_redacted_document(
        session, storage, actor, test, fileobj, filename, max_size, title, summary
    )
    test.redacted_document = redacted
    test.updated_at = utcnow()
    audit.record(
        session, actor, "test.attach_redacted", test, after={"document": redacted.id}
    )
    return redacted


def _new_redacted_document(
    session, storage, actor, test, fileobj, filename, max_size, title, summary
) -> Document:
    original = test.document
    category = test.category_before
    if category not in (BERKALA, SETIAP_SAAT):
        # Never serta merta (which publishes without review) nor exempt.
        category = SETIAP_SAAT
    fields = services.NewDocument(
        title=title.strip() or f"{original.title} (versi publik)",
        category=category,
        org_slug=original.organisation.slug,
        year=original.year,
        summary=summary,
        info_type=original.info_type,
        dip={name: getattr(original, name) for name in services.DIP_FIELDS},
        publish=False,
    )
    redacted = services.create_document(
        session,
        storage,
        actor=actor,
        fileobj=fileobj,
        filename=filename,
        fields=fields,
        max_size=max_size,
    )
    redacted.redacted_from_id = original.id
    return redacted
