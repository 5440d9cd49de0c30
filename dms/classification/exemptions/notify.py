"""Email to the atasan PPID when a consequence test awaits its decision.

The message names the test's number, the organisation and a link to the
workspace, never the document's title nor the record's text: email leaves the
archive, and what the test is about may be exempt.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dms.accounts.models import User
from dms.accounts.roles import ATASAN_PPID
from dms.documents.consequence_tests import ConsequenceTest
from dms.documents.notify import SIGNATURE
from dms.mail import SITE_URL, enqueue


def awaiting_decision(session: Session, test: ConsequenceTest, *, corrected: bool):
    """Queue one email per active atasan PPID with an address."""
    recipients = session.scalars(
        select(User.email).where(
            User.is_active, User.email != "", User.role == ATASAN_PPID
        )
    )
    link = f"{session.info.get(SITE_URL, '')}/ruang-kerja/uji/{test.id}"
    organisation = test.document.organisation.name
    if corrected:
        subject = f"Uji konsekuensi {test.number} diperbaiki, menunggu keputusan"
        first = f"Lembar uji konsekuensi {test.number} ({organisation}) diperbaiki"
    else:
        subject = f"Uji konsekuensi {test.number} menunggu keputusan"
        first = f"Lembar uji konsekuensi {test.number} ({organisation}) telah dicatat"
    body = (
        f"{first} oleh PPID Utama dan menunggu keputusan atasan PPID "
        f"(setujui atau tolak).\n\n{link}{SIGNATURE}"
    )
    for to in sorted(set(recipients)):
        enqueue(session, to=to, subject=subject, body=body, topic="consequence_test")
