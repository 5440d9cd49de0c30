"""Exemption periods end by law (DOMAIN.md §3): with the clock moved past the
period the job opens the document, lists it in the DIP and audits it; an approved
renewal keeps it closed, a renewal still waiting does not. The warning comes 30
working days before the end, counted on the Indonesian calendar."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dms.audit import AuditEvent
from dms.classification.exemptions import expire_exemptions
from dms.documents.consequence_tests import ConsequenceTest
from dms.jobs import Jobs
from dms.workdays import working_calendar
from tests.helpers import local_today, upload
from tests.web.test_exemption_workflow import (
    decide,
    propose,
    public_view,
    recorded_test,
)

# About four months after the day the tests run, on a Monday.
_AHEAD = local_today() + timedelta(days=120)
ENDS = _AHEAD + timedelta(days=(7 - _AHEAD.weekday()) % 7)
PERIOD = {"kind": "date", "value": ENDS.isoformat()}


@pytest.fixture
def exempt(client, cast) -> tuple[int, int]:
    """A Dinkes document made exempt until ENDS; (document id, test id)."""
    document = upload(
        client, cast, "dinkes", title="Data Pasien KLB", category="setiap_saat"
    ).get_json()["id"]
    test_id = recorded_test(client, cast, document, period=PERIOD)
    assert decide(client, cast, test_id, "approve").status_code == 200
    assert public_view(client, document) == 404
    return document, test_id


def actions(archive, action: str) -> list[AuditEvent]:
    with archive.reading() as session:
        return (
            session.query(AuditEvent)
            .filter(AuditEvent.action == action)
            .order_by(AuditEvent.id)
            .all()
        )


def warning_day(archive) -> date:
    with archive.reading() as session:
        return working_calendar(session, archive.settings).subtract(ENDS, 30)


def test_the_warning_comes_thirty_working_days_before_the_end(archive, exempt):
    document, test_id = exempt
    day = warning_day(archive)
    with archive.reading() as session:
        calendar = working_calendar(session, archive.settings)
        assert calendar.count(day, ENDS) == 30
        assert calendar.is_working_day(day)
    assert expire_exemptions(archive, day - timedelta(days=1)).warned == []
    report = expire_exemptions(archive, day)
    assert report.warned == [document] and report.opened == []
    assert expire_exemptions(archive, day).warned == []  # flagged once
    events = actions(archive, "exemption.expiring")
    assert [event.object_id for event in events] == [test_id]
    with archive.reading() as session:
        assert session.get(ConsequenceTest, test_id).warned_at is not None


def test_at_the_end_of_the_period_the_document_opens_and_is_listed(
    archive, client, cast, exempt
):
    document, test_id = exempt
    assert expire_exemptions(archive, ENDS - timedelta(days=1)).opened == []
    assert public_view(client, document) == 404

    report = expire_exemptions(archive, ENDS)
    assert report.opened == [document]
    public = client.get(f"/api/v1/documents/{document}").get_json()
    assert public["category"] == "setiap_saat"
    assert public["status"] == "published"
    assert client.get(f"/api/v1/documents/{document}/download").status_code == 200
    dip = client.get("/api/v1/dip").get_json()
    assert document in [row["id"] for row in dip["items"]]
    [opened] = actions(archive, "document.open")
    assert opened.object_id == document and opened.actor_username == "system"
    assert opened.before["category"] == "dikecualikan"
    [expired] = actions(archive, "exemption.expire")
    assert expired.object_id == test_id
    test = client.get(
        f"/api/v1/consequence-tests/{test_id}", headers=cast.auth("utama")
    ).get_json()
    assert test["exemption"]["status"] == "expired"
    assert expire_exemptions(archive, ENDS).opened == []  # once


def test_an_approved_renewal_keeps_the_document_closed(archive, client, cast, exempt):
    document, first = exempt
    renewal = recorded_test(
        client, cast, document, period={"kind": "duration", "value": "P5Y"}
    )
    assert decide(client, cast, renewal, "approve").status_code == 200
    assert expire_exemptions(archive, ENDS).opened == []
    assert public_view(client, document) == 404
    with archive.reading() as session:
        assert session.get(ConsequenceTest, first).exemption_status == "superseded"
        assert session.get(ConsequenceTest, renewal).exemption_status == "active"


def test_a_renewal_still_waiting_for_its_decision_does_not(
    archive, client, cast, exempt
):
    document, _ = exempt
    recorded_test(client, cast, document, period={"kind": "duration", "value": "P5Y"})
    assert expire_exemptions(archive, ENDS).opened == [document]
    assert public_view(client, document) == 200


def test_an_exemption_without_end_never_expires(archive, client, cast):
    document = upload(client, cast, "dinkes", title="Wasiat").get_json()["id"]
    test_id = recorded_test(
        client, cast, document, ground_letter="g", period={"kind": "indefinite"}
    )
    decide(client, cast, test_id, "approve")
    assert expire_exemptions(archive, date(2099, 1, 1)).opened == []
    assert public_view(client, document) == 404


def test_the_scheduled_job_runs_the_expiry(archive, app, exempt):
    document, _ = exempt
    jobs: Jobs = app.extensions["dms.jobs"]
    assert jobs.expire_exemptions.name == "dms.expire_exemptions"
    # The periodic task's body, as the worker calls it (today is before ENDS).
    report = jobs.expire_exemptions.call_local()
    assert report.opened == []


def test_a_proposal_does_not_close_anything_before_the_decision(client, cast):
    document = upload(client, cast, "dinkes", title="Draf").get_json()["id"]
    propose(client, cast, document)
    staff = client.get(f"/api/v1/documents/{document}", headers=cast.auth("dinkes"))
    assert staff.get_json()["category"] == "berkala"
