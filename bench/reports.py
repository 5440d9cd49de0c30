"""The reports bench: a province's year of requests, then the annual report
(statistics, PDF, XLSX) and the monitoring page's figures, timed.

    .venv/bin/python -m bench.reports [--requests N] [--opd N] [--database-url URL]

N requests (default 10 000, about thirty times the Banten 2024 year) are spread
over the working days of 2025 and disposed to --opd organisations (default 40);
nine in ten are answered between 1 and 17 working days later with the outcomes'
usual mix, one in twenty extended, one in fifty objected to. They are written
through the models in bulk (the workflow's own speed is the test suite's
concern); the figures are then built the way the pages and `dms report annual`
build them. Prints a table and writes bench/results/reports.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, date, datetime
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

YEAR = 2025
OUTCOMES = (
    ["granted"] * 80
    + ["granted_partly"] * 8
    + ["not_held"] * 6
    + ["refused_exempt_h"] * 3
    + ["not_documented"] * 3
)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--opd", type=int, default=40)
    parser.add_argument(
        "--database-url",
        default="",
        help="a PostgreSQL server to use (a fresh database is created on it and "
        "dropped afterwards); default: SQLite in a temp folder",
    )
    parser.add_argument(
        "--output", type=Path, default=Path("bench/results/reports.json")
    )
    args = parser.parse_args(argv)
    with (
        tempfile.TemporaryDirectory(prefix="dms-bench-reports-") as folder,
        _fresh_database(args.database_url) as url,
    ):
        args.database_url = url
        results = run(Path(folder), args)
    width = max(len(k) for k in results)
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


@contextmanager
def _fresh_database(url: str):
    """A new, empty PostgreSQL database on the server `url` names (dropped at
    the end), or "" for SQLite."""
    if not url:
        yield ""
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"dms_bench_reports_{os.getpid()}"
    server = create_engine(
        make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def run(root: Path, args) -> dict:
    from dms.archive import Archive
    from dms.db import make_engine, upgrade_schema
    from dms.settings import load_settings

    settings = load_settings(
        {
            "instance_dir": root,
            "database_url": args.database_url or f"sqlite:///{root}/dms.sqlite3",
            "storage_url": f"file://{root}/objects",
            "index_dir": str(root / "index"),
            "secret_key": "bench",
            "queue_url": "immediate",
        }
    )
    engine = make_engine(settings.database_url)
    upgrade_schema(engine)
    engine.dispose()
    archive = Archive.open(settings)
    try:
        started = time.perf_counter()
        users = _organisations(archive, args.opd)
        _requests(archive, args.requests, users)
        loaded = time.perf_counter() - started
        return {
            "requests": args.requests,
            "organisations": args.opd,
            "database": settings.database_url.split(":")[0],
            "load_seconds": round(loaded, 2),
            **_measure(archive, users),
            "peak_rss_mib": round(
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
            ),
        }
    finally:
        archive.close()


def _organisations(archive, count: int):
    from dms.accounts import service as accounts
    from dms.accounts.roles import SYSTEM

    with archive.transaction() as session:
        accounts.add_organisation(
            session, actor=SYSTEM, slug="ppid-utama", name="PPID Utama", is_utama=True
        )
        for n in range(count):
            accounts.add_organisation(
                session,
                actor=SYSTEM,
                slug=f"opd-{n:02d}",
                name=f"Organisasi Perangkat Daerah {n:02d}",
                parent_slug="ppid-utama",
            )
        accounts.add_user(
            session,
            actor=SYSTEM,
            username="utama",
            role="ppid_utama",
            org_slug="ppid-utama",
        )
    return count


def _requests(archive, count: int, opd: int) -> None:
    from sqlalchemy import select

    from dms.accounts.models import Organisation
    from dms.requests.models import (
        InformationRequest,
        Objection,
        RequestDisposition,
    )
    from dms.workdays import working_calendar

    rng = random.Random(2025)
    zone = ZoneInfo(archive.settings.timezone)
    with archive.transaction() as session:
        days = working_calendar(session, archive.settings)
        workdays = [
            d
            for d in (
                date(YEAR, 1, 1).fromordinal(date(YEAR, 1, 1).toordinal() + i)
                for i in range(365)
            )
            if days.is_working_day(d)
        ]
        org_ids = list(
            session.scalars(select(Organisation.id).where(~Organisation.is_utama))
        )
        objections = 0
        for n in range(1, count + 1):
            received_on = rng.choice(workdays)
            received = datetime.combine(received_on, clock(9), zone).astimezone(UTC)
            due = days.due_date(received_on, 10)
            item = InformationRequest(
                number=f"PPID-{YEAR}-{n:06d}",
                year=YEAR,
                received_at=received,
                channel="web",
                requester_kind="person",
                name=f"Pemohon {n}",
                identity_number=f"3604010101{n:06d}",
                address="Jl. Uji",
                email=f"p{n}@contoh.invalid",
                information_requested="Informasi uji untuk bench laporan",
                purpose="Uji",
                how_to_obtain="copy_soft",
                delivery="email",
                secret_hash="0" * 64,
                due_on=due,
                state="disposed",
                subject=f"Permohonan {n}",
                created_at=received,
                updated_at=received,
            )
            item.dispositions.append(
                RequestDisposition(
                    organisation_id=rng.choice(org_ids), note="", disposed_at=received
                )
            )
            if rng.random() < 0.05:
                item.extended_days = 7
                item.extension_reason = "Bench"
                item.extended_due_on = days.add(due, 7)
                item.extended_at = received
                item.state = "extended"
            if rng.random() < 0.9:
                # Most answers come within 8 working days; one OPD in four is
                # late more often (beyond 10 days, or within its extension).
                late = 0.25 if item.dispositions[0].organisation_id % 4 == 0 else 0.03
                taken = (
                    rng.randint(11, 17)
                    if item.extended_days or rng.random() < late
                    else rng.randint(1, 8)
                )
                answered = datetime.combine(
                    days.add(received_on, taken), clock(14), zone
                ).astimezone(UTC)
                item.state = "answered"
                item.outcome = rng.choice(OUTCOMES)
                item.answered_at = answered
                item.answer_text = "Bench"
            session.add(item)
            if item.answered_at and rng.random() < 0.02:
                session.flush()
                objections += 1
                session.add(
                    Objection(
                        number=f"KEB-{YEAR}-{objections:06d}",
                        year=YEAR,
                        request_id=item.id,
                        ground="e",
                        reasons="Bench",
                        received_at=item.answered_at,
                        channel="letter",
                        name=item.name,
                        identity_number=item.identity_number,
                        secret_hash="0" * 64,
                        state="submitted",
                        due_on=days.due_date(item.answered_at, 30),
                    )
                )
            if n % 1000 == 0:
                session.flush()


def _measure(archive, _users) -> dict:
    from sqlalchemy import select

    from dms.accounts.models import User
    from dms.monitoring.annual import annual_report
    from dms.monitoring.dashboard import build_dashboard, monitoring_scope
    from dms.monitoring.report_files import annual_pdf, annual_xlsx
    from dms.workdays import working_calendar

    figures = {}
    today = date(YEAR + 1, 3, 1)
    with archive.reading() as session:
        utama = session.scalar(select(User).where(User.username == "utama"))
        days = working_calendar(session, archive.settings)
        started = time.perf_counter()
        report = annual_report(session, days, actor=utama, year=YEAR, today=today)
        figures["statistics_seconds"] = round(time.perf_counter() - started, 2)
        assert report.statistics.total.received > 0
        for name, render in (("pdf", annual_pdf), ("xlsx", annual_xlsx)):
            started = time.perf_counter()
            data = render(report)
            figures[f"annual_{name}_seconds"] = round(time.perf_counter() - started, 2)
            figures[f"annual_{name}_kib"] = round(len(data) / 1024)
        started = time.perf_counter()
        scope = monitoring_scope(session, actor=utama, year=YEAR)
        board = build_dashboard(
            session,
            actor=utama,
            scope=scope,
            calendar=days,
            today=today,
            zone=archive.settings.timezone,
        )
        figures["dashboard_seconds"] = round(time.perf_counter() - started, 2)
        figures["slow_opd"] = len(board.slow_organisations)
    return figures


if __name__ == "__main__":
    raise SystemExit(main())
