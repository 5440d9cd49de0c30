"""The reports read what the request workflow writes: requests filed, disposed,
extended, answered and objected to through the services (not built row by row)
appear in the monthly table and the monitoring figures as they happened."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from dms.accounts.models import User
from dms.monitoring import dashboard
from dms.monitoring.requests_stats import request_statistics
from dms.requests import objections, workflow
from dms.requests.service import submit_request
from dms.workdays import working_calendar
from tests.requests_helpers import a_request, wib


def test_the_workflow_feeds_the_monthly_table_and_the_response_times(archive, cast):
    with archive.transaction() as session:
        user = {u.username: u for u in session.scalars(select(User))}
        days = working_calendar(session, archive.settings)

        def filed(now):
            return submit_request(
                session,
                archive.storage,
                actor=None,
                fields=a_request(),
                settings=archive.settings,
                now=now,
            ).request.number

        # March 2025: received Mon 24 March, answered in April after Idul Fitri.
        late = filed(wib(2025, 3, 24, 9, 0))
        workflow.dispose(
            session,
            actor=user["utama"],
            number=late,
            organisations=["dinkes"],
            subject="Anggaran",
            now=wib(2025, 3, 24, 10, 0),
        )
        workflow.extend(
            session,
            actor=user["dinkes"],
            number=late,
            days=3,
            reason="Data dihimpun dari beberapa bidang.",
            calendar=days,
            today=date(2025, 4, 10),
            now=wib(2025, 4, 10, 9, 0),
        )
        workflow.answer(
            session,
            archive.storage,
            actor=user["dinkes"],
            number=late,
            outcome="granted",
            answer_text="Terlampir.",
            max_attachment_bytes=archive.settings.max_upload_bytes,
            now=wib(2025, 4, 17, 9, 0),
        )
        # April 2025: received and refused (not held) in the same month.
        quick = filed(wib(2025, 4, 21, 9, 0))
        workflow.answer(
            session,
            archive.storage,
            actor=user["utama"],
            number=quick,
            outcome="not_held",
            answer_text="Dikuasai BPS.",
            max_attachment_bytes=archive.settings.max_upload_bytes,
            now=wib(2025, 4, 23, 9, 0),
        )
        objections.file_objection(
            session,
            actor=user["utama"],
            fields={
                "ground": "e",
                "reasons": "Informasi tidak dipenuhi.",
                "channel": "letter",
            },
            calendar=days,
            request_number=quick,
            now=wib(2025, 4, 28, 9, 0),
        )

    with archive.reading() as session:
        days = working_calendar(session, archive.settings)
        stats = request_statistics(session, days, year=2025, today=date(2025, 12, 31))
        march, april = stats.months[2], stats.months[3]
        assert (march.received, march.decided) == (1, 0)  # carried over
        assert (april.received, april.decided) == (1, 2)
        assert april.extended == 1 and april.granted == 1
        assert sum(april.refused.values()) == 1 and april.objections == 1
        # 24 Mar -> 17 Apr 2025: 11 working days (Nyepi, Idul Fitri and its
        # cuti bersama are off; due 16 Apr, extended to 22 Apr); 21 -> 23 Apr: 2.
        assert days.count(date(2025, 3, 24), date(2025, 4, 17)) == 11
        assert april.working_days == 13 and april.average_days == 6.5
        assert april.overdue == 0  # answered within the extension
        assert stats.total.received == 2 and stats.total.decided == 2

        requests = list(
            session.scalars(
                select(workflow.InformationRequest).order_by(
                    workflow.InformationRequest.id
                )
            )
        )
        times = dashboard.response_times(
            requests,
            days,
            utama_id=dashboard.utama_organisation_id(session),
            names={},
        )
        by_days = sorted(t.days for t in times)
        assert by_days == [(2,), (11,)]
