"""Counting public downloads per document and local day (DOMAIN.md §6)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dms.monitoring.models import DownloadCount

# Both databases the project runs on have INSERT ... ON CONFLICT DO UPDATE.
INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def count_download(session: Session, *, document_id: int, day: date) -> None:
    """Add one download of the document on that day, safe under concurrency: the
    increment happens in the database, so simultaneous downloads never lose one."""
    table = DownloadCount.__table__
    insert = INSERTS[session.get_bind().dialect.name]
    statement = insert(table).values(document_id=document_id, day=day, count=1)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.document_id, table.c.day],
        set_={"count": table.c.count + 1},
    )
    session.execute(statement)
