"""Concurrent changes to one document queue up: no lost version, no 500."""

from __future__ import annotations

import io
import threading

from sqlalchemy import select

from dms.accounts.models import User
from dms.documents import services
from dms.documents.models import DocumentVersion
from tests.helpers import a_pdf, upload


def test_concurrent_new_versions_get_distinct_consecutive_numbers(
    client, archive, cast
):
    document = upload(client, cast, "dinkes").get_json()
    outcomes: list[str] = []

    def add(n: int) -> None:
        try:
            with archive.transaction() as session:
                actor = session.scalar(select(User).where(User.username == "dinkes"))
                services.add_version(
                    session,
                    archive.storage,
                    actor=actor,
                    document_id=document["id"],
                    fileobj=io.BytesIO(a_pdf(f"versi paralel {n}")),
                    filename=f"{n}.pdf",
                    max_size=archive.settings.max_upload_bytes,
                )
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001 - recorded and asserted below
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=add, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    with archive.reading() as session:
        numbers = sorted(
            session.scalars(
                select(DocumentVersion.number).where(
                    DocumentVersion.document_id == document["id"]
                )
            )
        )
    assert numbers == list(range(1, 8))
    assert outcomes == ["ok"] * 6
