"""What keeps the exemption workflow honest at its edges: the redacted version
moves only with its test, periods stay within the law and the calendar, the DIK
flags ending exemptions and keeps the decided title, and one bad entry cannot
stop the expiry job."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

from dms.accounts.service import find_user
from dms.classification import exemptions
from dms.documents.consequence_tests import ConsequenceTest
from dms.errors import InvalidTransition
from tests.helpers import a_pdf, add_version, local_today, post_multipart, upload
from tests.web.test_exemption_workflow import decide, propose, record


@pytest.fixture
def document(client, cast) -> int:
    body = upload(
        client, cast, "dinkes", title="Hasil Audit", category="serta_merta"
    ).get_json()
    return body["id"]


def partial_test(client, cast, document) -> tuple[int, int]:
    """A recorded exempt_part test with its redacted version; (test, redacted)."""
    test_id = propose(client, cast, document).get_json()["id"]
    assert record(client, cast, test_id, decision="exempt_part").status_code == 200
    redacted = post_multipart(
        client,
        f"/api/v1/consequence-tests/{test_id}/redacted-version",
        {"file": (io.BytesIO(a_pdf("versi publik")), "publik.pdf")},
        cast.auth("utama"),
    ).get_json()
    return test_id, redacted["id"]


# --- the redacted version moves only with its test -------------------------------


def test_the_redacted_version_cannot_be_changed_or_published_around_its_test(
    client, cast, document
):
    test_id, redacted = partial_test(client, cast, document)
    url = f"/api/v1/documents/{redacted}"
    assert (
        add_version(client, cast, "dinkes", redacted, a_pdf("asli")).status_code == 409
    )
    patched = client.patch(
        url, json={"category": "serta_merta"}, headers=cast.auth("dinkes")
    )
    assert patched.status_code == 409
    for verb, who in (("submit", "dinkes"), ("publish", "utama")):
        response = client.post(f"{url}/{verb}", headers=cast.auth(who))
        assert response.status_code == 409, verb
    assert client.get(url).status_code == 404
    # The category never becomes serta merta, which would publish without review.
    staff = client.get(url, headers=cast.auth("dinkes")).get_json()
    assert staff["category"] == "setiap_saat"


def test_the_atasan_approves_exactly_the_redacted_version_reviewed(
    client, cast, document
):
    test_id, redacted = partial_test(client, cast, document)
    again = post_multipart(
        client,
        f"/api/v1/consequence-tests/{test_id}/redacted-version",
        {"file": (io.BytesIO(a_pdf("versi publik kedua")), "publik2.pdf")},
        cast.auth("utama"),
    )
    assert again.status_code == 201 and again.get_json()["id"] == redacted
    url = f"/api/v1/consequence-tests/{test_id}/approve"
    stale = client.post(url, json={"redacted_version": 1}, headers=cast.auth("atasan"))
    assert stale.status_code == 409
    response = client.post(
        url, json={"redacted_version": 2}, headers=cast.auth("atasan")
    )
    assert response.status_code == 200
    public = client.get(f"/api/v1/documents/{redacted}").get_json()
    assert public["published_version"] == 2


def test_a_new_version_of_a_published_redacted_version_waits_for_the_utama(
    client, cast, document
):
    test_id, redacted = partial_test(client, cast, document)
    assert decide(client, cast, test_id, "approve").status_code == 200
    response = add_version(client, cast, "dinkes", redacted, a_pdf("tanpa hitam"))
    assert response.status_code == 201
    public = client.get(f"/api/v1/documents/{redacted}").get_json()
    assert public["published_version"] == 1 and public["current_version"] == 1


# --- periods -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"test_date": (local_today() + timedelta(days=1)).isoformat()},
        {"test_date": (local_today() - timedelta(days=3 * 365)).isoformat()},
        {"ground_letter": "g", "period": {"kind": "date", "value": "2150-01-01"}},
        {"period": {"kind": "duration", "value": "P9999Y"}},
    ],
    ids=["future-test", "old-test", "after-2100", "huge-duration"],
)
def test_periods_outside_the_law_or_the_calendar_are_refused(
    client, cast, document, changes
):
    test_id = propose(client, cast, document).get_json()["id"]
    response = record(client, cast, test_id, **changes)
    assert response.status_code == 422, response.get_json()


def test_an_event_ends_a_limited_ground_after_thirty_years_at_the_latest(
    client, cast, document
):
    test_id = propose(client, cast, document).get_json()["id"]
    event = {"kind": "event", "value": "putusan pengadilan berkekuatan hukum tetap"}
    record(client, cast, test_id, ground_letter="a", ground_subitem="1", period=event)
    approved = decide(client, cast, test_id, "approve").get_json()
    expires = date.fromisoformat(approved["exemption"]["expires_on"])
    assert expires.year == local_today().year + 30
    dik = client.get("/api/v1/dik").get_json()["items"][0]
    assert "putusan pengadilan" in dik["period"]["label"]
    assert "paling lambat" in dik["period"]["label"]


def test_a_period_that_ended_before_the_approval_is_refused(archive, client, cast):
    document = upload(client, cast, "dinkes", title="Kontrak").get_json()["id"]
    test_id = propose(client, cast, document).get_json()["id"]
    soon = {"kind": "date", "value": (local_today() + timedelta(days=2)).isoformat()}
    assert record(client, cast, test_id, period=soon).status_code == 200
    with (
        pytest.raises(InvalidTransition, match="Catat ulang"),
        archive.transaction() as session,
    ):
        exemptions.approve(
            session,
            actor=find_user(session, "atasan"),
            test_id=test_id,
            today=local_today() + timedelta(days=3),
        )
    staff = client.get(f"/api/v1/documents/{document}", headers=cast.auth("dinkes"))
    assert staff.get_json()["category"] == "berkala"


# --- the DIK ---------------------------------------------------------------------


def test_the_dik_flags_an_exemption_ending_soon_and_keeps_the_decided_title(
    archive, client, cast, document
):
    test_id = propose(client, cast, document).get_json()["id"]
    ends = local_today() + timedelta(days=20)
    record(client, cast, test_id, period={"kind": "date", "value": ends.isoformat()})
    decide(client, cast, test_id, "approve")
    renamed = client.patch(
        f"/api/v1/documents/{document}",
        json={"title": "Judul yang diganti kemudian"},
        headers=cast.auth("dinkes"),
    )
    assert renamed.status_code == 200
    before = client.get("/api/v1/dik").get_json()["items"][0]
    assert before["expiring"] is False and before["title"] == "Hasil Audit"

    report = exemptions.expire_exemptions(archive, local_today())
    assert report.warned == [document]
    after = client.get("/api/v1/dik").get_json()["items"][0]
    assert after["expiring"] is True
    assert "segera berakhir" in after["status_label"]
    assert "Judul yang diganti" not in client.get("/dik").get_data(as_text=True)


def test_the_decision_date_of_an_opening_is_kept(client, cast, document):
    test_id = propose(client, cast, document).get_json()["id"]
    record(client, cast, test_id)
    decide(client, cast, test_id, "approve")
    response = client.post(
        f"/api/v1/consequence-tests/{test_id}/open",
        json={
            "authority": "court",
            "reference": "Putusan PTUN Serang No. 1/G/KI/2026",
            "decided_on": local_today().isoformat(),
        },
        headers=cast.auth("atasan"),
    )
    exemption = response.get_json()["exemption"]
    assert exemption["end_decided_on"] == local_today().isoformat()
    dik = client.get("/api/v1/dik").get_json()["items"][0]
    assert dik["status"] == "opened"


# --- the expiry job --------------------------------------------------------------


class BrokenForOneDate:
    """A calendar that fails for one end date, as a corrupt entry would."""

    def __init__(self, archive, broken: date):
        self.broken = broken
        with archive.reading() as session:
            from dms.workdays import working_calendar

            self.real = working_calendar(session, archive.settings)

    def subtract(self, end: date, days: int) -> date:
        if end == self.broken:
            raise ValueError("corrupt calendar entry")
        return self.real.subtract(end, days)


def test_one_entry_that_fails_does_not_hold_the_others_closed(archive, client, cast):
    ids = []
    for title, days in (("Gagal", 200), ("Berakhir", 10)):
        document = upload(client, cast, "dinkes", title=title).get_json()["id"]
        test_id = propose(client, cast, document).get_json()["id"]
        ends = (local_today() + timedelta(days=days)).isoformat()
        record(client, cast, test_id, period={"kind": "date", "value": ends})
        decide(client, cast, test_id, "approve")
        ids.append((document, test_id))
    (broken_doc, broken_test), (open_doc, _) = ids
    with archive.reading() as session:
        broken_end = session.get(ConsequenceTest, broken_test).expires_on
    calendar = BrokenForOneDate(archive, broken_end)
    with archive.transaction() as session:
        report = exemptions.run_expiry(
            session, calendar=calendar, today=local_today() + timedelta(days=15)
        )
    assert report.failed == [broken_test]
    assert report.opened == [open_doc]
    assert client.get(f"/api/v1/documents/{open_doc}").status_code == 200
    assert client.get(f"/api/v1/documents/{broken_doc}").status_code == 404
