"""What the deciders read before they decide a consequence test.

The document under test is believed exempt even before the atasan PPID approves
(its category changes only then), so every opening of it from the test is an
audit event, whatever its category says today.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from dms import audit
from dms.classification.exemptions import get_test
from dms.documents import services
from dms.documents.services import Download
from dms.storage import Storage

READ_ACTION = "test.read_document"


def open_tested_document(
    session: Session, storage: Storage, *, actor, test_id: int
) -> Download:
    """The current version of the test's document, for those who see the test;
    the read is audited (call inside a transaction)."""
    test = get_test(session, actor=actor, test_id=test_id)
    download = services.open_version(
        session, storage, actor=actor, document_id=test.document_id
    )
    audit.record(
        session,
        actor,
        READ_ACTION,
        test.document,
        after={"test": test.number or test.id, "version": download.version.number},
    )
    return download
