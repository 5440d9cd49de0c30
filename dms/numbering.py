"""Gap-free yearly sequences for registration numbers (tests, requests...).

A number is taken inside the caller's transaction: the counter row is locked
(SELECT ... FOR UPDATE on PostgreSQL; SQLite serialises writers anyway), so two
transactions never get the same number, and a rolled-back one gives its number
back instead of leaving a gap.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from dms.db import Base


class Sequence(Base):
    """The last number issued in one series for one year."""

    __tablename__ = "sequences"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


def next_number(session: Session, name: str, year: int) -> int:
    """The next number of series `name` in `year`, starting at 1 each year."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(Sequence)
        .values(name=name, year=year, value=0)
        .on_conflict_do_nothing(index_elements=["name", "year"])
    )
    row = session.scalars(
        select(Sequence)
        .where(Sequence.name == name, Sequence.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    row.value += 1
    session.flush()
    return row.value
