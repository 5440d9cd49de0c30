"""Objections (keberatan) and disputes at the Komisi Informasi: filed on the
grounds of Ps. 35 within 30 working days, decided by the atasan PPID, escalated
to a recorded dispute whose decision opens the document; every step audited."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from dms.accounts.models import User
from dms.audit import AuditEvent
from dms.db import utcnow
from dms.errors import ValidationError
from dms.mail import OutboxMessage
from dms.requests.models import InformationRequest, Objection
from dms.requests.objections import file_objection
from dms.workdays import working_calendar
from tests.helpers import local_today, make_exempt, upload
from tests.requests_helpers import NIK, a_request, answer_to, wib
from tests.web.test_auth_pages import csrf_token, log_in
from tests.web.test_request_workflow import file_now, give_emails


def api_guards(client) -> dict[str, str]:
    found = client.get("/api/v1/requests/challenge").get_json()
    return {
        "challenge_token": found["token"],
        "challenge_answer": answer_to(found["question"]),
    }


def refused_request(client, cast, archive):
    """A request refused as exempt under Ps. 17 huruf h; (number, secret, test)."""
    document_id = upload(client, cast, "dinkes", title="Data pasien").get_json()["id"]
    test_id = make_exempt(client, cast, document_id)
    test_number = client.get(
        f"/api/v1/consequence-tests/{test_id}", headers=cast.auth("utama")
    ).get_json()["number"]
    number, secret = file_now(archive)
    answered = client.post(
        f"/api/v1/requests/{number}/answer",
        json={"outcome": "refused_exempt_h", "consequence_test": test_number},
        headers=cast.auth("utama"),
    )
    assert answered.status_code == 200, answered.get_json()
    return number, secret, test_number, document_id


def object_to(client, number, secret, ground="a", **extra):
    return client.post(
        "/api/v1/objections",
        json={
            **api_guards(client),
            "request": number,
            "request_secret": secret,
            "ground": ground,
            "reasons": "Informasi ini menyangkut kepentingan publik yang besar.",
            **extra,
        },
    )


def test_an_objection_is_filed_decided_and_escalated_to_a_dispute_that_opens_it(
    client, cast, archive
):
    give_emails(archive)
    number, secret, test_number, document_id = refused_request(client, cast, archive)
    assert client.get(f"/api/v1/documents/{document_id}").status_code == 404

    filed = object_to(client, number, secret)
    assert filed.status_code == 201, filed.get_json()
    objection = filed.get_json()
    assert re.fullmatch(r"KEB-\d{4}-000001", objection["number"])
    assert "objector" not in objection
    with archive.reading() as session:
        days = working_calendar(session, archive.settings)
        expected_due = days.due_date(archive.settings.local_today(), 30)
    assert objection["due_on"] == expected_due.isoformat()

    status = client.get(
        f"/api/v1/objections/{objection['number']}?secret={objection['secret']}"
    )
    assert status.status_code == 200 and status.get_json()["state"] == "submitted"

    not_atasan = client.post(
        f"/api/v1/objections/{objection['number']}/decide",
        json={"decision": "rejected", "decision_text": "Tetap dikecualikan."},
        headers=cast.auth("utama"),
    )
    assert not_atasan.status_code == 403
    decided = client.post(
        f"/api/v1/objections/{objection['number']}/decide",
        json={
            "decision": "rejected",
            "decision_text": "Tetap dikecualikan berdasarkan uji konsekuensi.",
        },
        headers=cast.auth("atasan"),
    )
    assert decided.status_code == 200, decided.get_json()
    # The atasan decides on the merits: the requester's name, not their data.
    assert decided.get_json()["objector"] == {"name": "Siti Aminah"}
    handled = client.get(
        f"/api/v1/objections/{objection['number']}", headers=cast.auth("utama")
    )
    assert handled.get_json()["objector"]["identity_number"] == NIK

    today = archive.settings.local_today()
    dispute = client.post(
        f"/api/v1/objections/{objection['number']}/disputes",
        json={
            "register_number": "012/XI/KI-BTN-PS/2026",
            "filed_on": today.isoformat(),
        },
        headers=cast.auth("utama"),
    )
    assert dispute.status_code == 201, dispute.get_json()
    dispute_id = dispute.get_json()["disputes"][0]["id"]
    hearing = client.post(
        f"/api/v1/disputes/{dispute_id}/hearings",
        json={"held_on": today.isoformat(), "kind": "adjudication", "note": "Sidang 1"},
        headers=cast.auth("atasan"),
    )
    assert hearing.status_code == 201, hearing.get_json()
    ruling = client.post(
        f"/api/v1/disputes/{dispute_id}/decide",
        json={
            "decision": "granted",
            "decision_number": "012/PTS/KI-BTN/2026",
            "decided_on": today.isoformat(),
            "open_test": test_number,
        },
        headers=cast.auth("utama"),
    )
    assert ruling.status_code == 200, ruling.get_json()
    recorded = ruling.get_json()["disputes"][0]
    assert recorded["state"] == "decided"
    assert recorded["opened_document"] == document_id
    assert [h["kind"] for h in recorded["hearings"]] == ["adjudication"]

    # The decision applied: the document is open to everyone now.
    assert client.get(f"/api/v1/documents/{document_id}").status_code == 200
    with archive.reading() as session:
        actions = list(
            session.scalars(
                select(AuditEvent.action)
                .where(
                    AuditEvent.action.like("objection.%")
                    | AuditEvent.action.like("dispute.%")
                    | AuditEvent.action.like("exemption.%")
                )
                .order_by(AuditEvent.id)
            )
        )
        sent = session.scalars(select(OutboxMessage.subject)).all()
    steps = [
        "objection.submit",
        "objection.decide",
        "dispute.record",
        "dispute.hearing",
        "exemption.open",
        "dispute.decide",
    ]
    assert [a for a in actions if a in steps] == steps
    assert f"Keberatan {objection['number']} telah diterima" in sent
    assert f"Tanggapan atas keberatan {objection['number']}" in sent


def test_the_grounds_must_have_arisen(client, cast, archive):
    number, secret = file_now(archive)
    not_answered = object_to(client, number, secret, ground="a")
    assert not_answered.status_code == 422
    assert not_answered.get_json()["error"]["field"] == "ground"
    not_late = object_to(client, number, secret, ground="c")
    assert not_late.status_code == 422
    assert "batas waktu" in not_late.get_json()["error"]["message"]
    wrong_secret = object_to(client, number, "salah", ground="e")
    assert wrong_secret.status_code == 404


def test_ground_c_after_the_deadline_passes_and_needs_the_request(archive, cast):
    number, secret = file_now(archive, now=wib(2026, 10, 1, 9, 0))
    with archive.transaction() as session:
        days = working_calendar(session, archive.settings)
        filed = file_objection(
            session,
            actor=None,
            fields={"ground": "c", "reasons": "Tidak ada jawaban sama sekali."},
            calendar=days,
            request_number=number,
            request_secret=secret,
            now=wib(2026, 10, 20, 9, 0),  # due 15 October: unanswered since
        )
        assert filed.objection.request.number == number
        assert filed.objection.name == "Siti Aminah"  # copied from the request


def test_an_objection_later_than_30_working_days_is_refused(archive, cast):
    number, secret = file_now(archive, now=wib(2025, 3, 24, 9, 0))
    with archive.transaction() as session:
        days = working_calendar(session, archive.settings)
        with pytest.raises(ValidationError) as refused:
            file_objection(
                session,
                actor=None,
                fields={"ground": "c", "reasons": "Tidak ada jawaban sama sekali."},
                calendar=days,
                request_number=number,
                request_secret=secret,
                now=wib(2025, 8, 1, 9, 0),
            )
    assert "30 hari kerja" in refused.value.message


def test_ground_b_needs_no_request_but_the_objectors_identity(client, archive):
    without = client.post(
        "/api/v1/objections",
        json={
            **api_guards(client),
            "ground": "b",
            "reasons": "Laporan keuangan berkala tidak diumumkan tahun ini.",
        },
    )
    assert without.status_code == 422
    assert without.get_json()["error"]["field"] in ("name", "identity_number")
    person = {
        k: v
        for k, v in a_request().items()
        if k in ("name", "identity_number", "address", "phone", "email")
    }
    filed = client.post(
        "/api/v1/objections",
        json={
            **api_guards(client),
            **person,
            "requester_kind": "person",
            "ground": "b",
            "reasons": "Laporan keuangan berkala tidak diumumkan tahun ini.",
        },
    )
    assert filed.status_code == 201, filed.get_json()
    assert filed.get_json()["request"] is None
    other_ground = client.post(
        "/api/v1/objections",
        json={
            **api_guards(client),
            **person,
            "ground": "e",
            "reasons": "Permintaan saya tidak dipenuhi sama sekali.",
        },
    )
    assert other_ground.status_code == 422
    assert other_ground.get_json()["error"]["field"] == "request"


def test_anonymous_objections_answer_the_challenge(client, archive):
    number, secret = file_now(archive)
    refused = client.post(
        "/api/v1/objections",
        json={
            "request": number,
            "request_secret": secret,
            "ground": "c",
            "reasons": "x" * 20,
        },
    )
    assert refused.status_code == 422
    assert refused.get_json()["error"]["field"] == "challenge_answer"


def test_a_dispute_waits_for_the_answer_or_its_deadline(client, cast, archive):
    number, secret, _test, _doc = refused_request(client, cast, archive)
    objection = object_to(client, number, secret).get_json()
    early = client.post(
        f"/api/v1/objections/{objection['number']}/disputes",
        json={"register_number": "001/KI/2026", "filed_on": local_today().isoformat()},
        headers=cast.auth("utama"),
    )
    assert early.status_code == 409
    client.post(
        f"/api/v1/objections/{objection['number']}/decide",
        json={"decision": "rejected", "decision_text": "Ditolak."},
        headers=cast.auth("atasan"),
    )
    future = client.post(
        f"/api/v1/objections/{objection['number']}/disputes",
        json={
            "register_number": "001/KI/2026",
            "filed_on": (
                archive.settings.local_today() + timedelta(days=3)
            ).isoformat(),
        },
        headers=cast.auth("utama"),
    )
    assert future.status_code == 422
    pelaksana = client.post(
        f"/api/v1/objections/{objection['number']}/disputes",
        json={"register_number": "001/KI/2026", "filed_on": local_today().isoformat()},
        headers=cast.auth("dinkes"),
    )
    assert pelaksana.status_code == 403


def test_the_objection_pages_work_without_javascript(client, cast, archive):
    number, secret, _test, _doc = refused_request(client, cast, archive)
    status_page = client.get(f"/permohonan/status/{number}?kunci={secret}")
    assert "/keberatan?permohonan=" in status_page.get_data(as_text=True)
    form = client.get(f"/keberatan?permohonan={number}&kunci={secret}")
    html = form.get_data(as_text=True)
    first, second = re.search(r"Berapakah (\d+) ditambah (\d+)\?", html).groups()
    data = {
        "csrf_token": csrf_token(client, f"/keberatan?permohonan={number}"),
        "challenge_token": re.search(
            r'name="challenge_token" value="([^"]+)"', html
        ).group(1),
        "challenge_answer": str(int(first) + int(second)),
        "request": number,
        "kunci": secret,
        "ground": "a",
        "reasons": "Saya keberatan atas penolakan ini.",
    }
    sent = client.post("/keberatan", data=data)
    assert sent.status_code == 303, sent.get_data(as_text=True)[:3000]
    done = client.get(sent.headers["Location"]).get_data(as_text=True)
    link = re.search(r'href="(http://localhost/keberatan/status/[^"]+)"', done)
    assert link
    objection_number = re.search(r"KEB-\d{4}-\d{6}", done).group(0)

    log_in(client, "atasan")
    page = f"/ruang-kerja/keberatan/{objection_number}"
    assert NIK not in client.get("/ruang-kerja/keberatan").get_data(as_text=True)
    decided = client.post(
        f"{page}/putus",
        data={
            "csrf_token": csrf_token(client, page),
            "decision": "upheld",
            "decision_text": "Keberatan diterima; informasi dibuka sebagian.",
        },
    )
    assert decided.status_code == 303
    assert "keberatan diterima" in client.get(page).get_data(as_text=True)
    with archive.reading() as session:
        atasan = session.scalar(select(User).where(User.username == "atasan"))
        assert atasan.role == "atasan_ppid"


def test_a_handler_records_an_objection_brought_by_letter(client, cast, archive):
    number, _secret, _test, _doc = refused_request(client, cast, archive)
    log_in(client, "utama")
    page = f"/ruang-kerja/permohonan/{number}"
    assert "Catat keberatan" in client.get(page).get_data(as_text=True)

    refused = client.post(
        f"{page}/keberatan",
        data={"csrf_token": csrf_token(client, page), "channel": "letter"},
    )
    assert refused.status_code == 422
    assert 'id="ringkasan-kesalahan"' in refused.get_data(as_text=True)
    recorded = client.post(
        f"{page}/keberatan",
        data={
            "csrf_token": csrf_token(client, page),
            "channel": "letter",
            "ground": "a",
            "reasons": "Surat keberatan tertanggal hari ini.",
        },
    )
    assert recorded.status_code == 303
    objection_page = client.get(recorded.headers["Location"]).get_data(as_text=True)
    assert "Siti Aminah" in objection_page and number in objection_page


# --- several grounds, ground a for a partial grant, the letter's date -----------------


def test_an_objection_names_several_grounds_and_each_is_counted(client, cast, archive):
    from dms.monitoring.requests_stats import request_statistics

    number, secret, _test, _doc = refused_request(client, cast, archive)

    filed = object_to(client, number, secret, ground=None, grounds=["d", "a", "d"])

    assert filed.status_code == 201, filed.get_json()
    body = filed.get_json()
    assert body["grounds"] == ["a", "d"] and body["ground"] == "a"
    seen = client.get(body["url"], headers=cast.auth("atasan")).get_json()
    assert seen["grounds"] == ["a", "d"]
    with archive.reading() as session:
        today = archive.settings.local_today()
        stats = request_statistics(
            session,
            working_calendar(session, archive.settings),
            year=today.year,
            today=today,
        )
        counted = stats.objections_by_ground[today.month]
    assert (counted["a"], counted["d"]) == (1, 1)


def test_the_single_ground_field_still_works_and_merges_with_grounds(
    client, cast, archive
):
    number, secret, _test, _doc = refused_request(client, cast, archive)

    filed = object_to(client, number, secret, ground="d", grounds=["a"])

    assert filed.status_code == 201, filed.get_json()
    assert filed.get_json()["grounds"] == ["a", "d"]


@pytest.mark.parametrize(
    "grounds", [["a", "z"], "ad", [], ["a", "c"]], ids=["unknown", "text", "none", "c"]
)
def test_bad_or_unarisen_grounds_are_refused_and_nothing_is_stored(
    client, cast, archive, grounds
):
    number, secret, _test, _doc = refused_request(client, cast, archive)

    refused = object_to(client, number, secret, ground=None, grounds=grounds)

    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["error"]["field"] in ("ground", "grounds")
    with archive.reading() as session:
        assert session.scalars(select(Objection)).all() == []


def partly_granted(client, cast, archive, **answer):
    """A request granted in part, its exempt rest withheld under Ps. 17 huruf h;
    (number, secret, the answer's response)."""
    document_id = upload(client, cast, "dinkes", title="Data pasien").get_json()["id"]
    test_id = make_exempt(client, cast, document_id)
    test_number = client.get(
        f"/api/v1/consequence-tests/{test_id}", headers=cast.auth("utama")
    ).get_json()["number"]
    number, secret = file_now(archive)
    body = {
        "outcome": "granted_partly",
        "answer_text": "Lampiran data pribadi dihitamkan.",
        "consequence_test": test_number,
        **answer,
    }
    answered = client.post(
        f"/api/v1/requests/{number}/answer", json=body, headers=cast.auth("utama")
    )
    return number, secret, answered


def test_ground_a_is_open_to_a_request_granted_in_part(client, cast, archive):
    number, secret, answered = partly_granted(client, cast, archive)
    assert answered.status_code == 200, answered.get_json()

    filed = object_to(client, number, secret, ground="a")

    assert filed.status_code == 201, filed.get_json()


def test_the_notice_of_a_partial_grant_states_the_basis_of_the_withheld_part(
    client, cast, archive
):
    from io import BytesIO

    from pdfminer.high_level import extract_text

    number, secret, answered = partly_granted(client, cast, archive)
    assert answered.status_code == 200, answered.get_json()

    notice = client.get(f"/permohonan/{number}/pemberitahuan.pdf?kunci={secret}")

    text = " ".join(extract_text(BytesIO(notice.data)).split())
    assert "dikabulkan sebagian" in text
    assert "Dasar pengecualian bagian informasi yang tidak diberikan" in text
    assert "UU 14/2008 Pasal 17 huruf h angka 2" in text


def test_a_partial_grant_without_its_approved_test_is_refused(client, cast, archive):
    number, _secret, answered = partly_granted(
        client, cast, archive, consequence_test=None
    )

    assert answered.status_code == 422
    assert answered.get_json()["error"]["field"] == "consequence_test"
    with archive.reading() as session:
        found = session.scalar(
            select(InformationRequest).where(InformationRequest.number == number)
        )
        assert found.state == "submitted" and found.outcome is None


def answered_days_ago(archive, number: str, days: int) -> None:
    with archive.transaction() as session:
        found = session.scalar(
            select(InformationRequest).where(InformationRequest.number == number)
        )
        found.answered_at = utcnow() - timedelta(days=days)


def test_a_letter_records_the_day_it_arrived_and_the_deadline_runs_from_it(
    client, cast, archive
):
    number, _secret, _test, _doc = refused_request(client, cast, archive)
    answered_days_ago(archive, number, 10)
    arrived = archive.settings.local_today() - timedelta(days=5)

    filed = client.post(
        "/api/v1/objections",
        json={
            "request": number,
            "grounds": ["a"],
            "channel": "letter",
            "received_on": arrived.isoformat(),
            "reasons": "Surat keberatan yang tiba lima hari lalu.",
        },
        headers=cast.auth("utama"),
    )

    assert filed.status_code == 201, filed.get_json()
    with archive.reading() as session:
        days = working_calendar(session, archive.settings)
        objection = session.scalar(select(Objection))
        assert days.received_on(objection.received_at) == arrived
        assert objection.due_on == days.due_date(arrived, 30)
        assert objection.created_at > objection.received_at


@pytest.mark.parametrize("days_back", [31, -1, 11], ids=["too-old", "future", "early"])
def test_a_letter_date_too_old_in_the_future_or_before_the_ground_is_refused(
    client, cast, archive, days_back
):
    number, _secret, _test, _doc = refused_request(client, cast, archive)
    answered_days_ago(archive, number, 10)
    arrived = archive.settings.local_today() - timedelta(days=days_back)

    refused = client.post(
        "/api/v1/objections",
        json={
            "request": number,
            "ground": "a",
            "channel": "letter",
            "received_on": arrived.isoformat(),
            "reasons": "Surat keberatan dengan tanggal yang salah.",
        },
        headers=cast.auth("utama"),
    )

    assert refused.status_code == 422, refused.get_json()
    with archive.reading() as session:
        assert session.scalars(select(Objection)).all() == []


def test_the_officer_form_records_several_grounds_and_the_letter_date(
    client, cast, archive
):
    number, _secret, _test, _doc = refused_request(client, cast, archive)
    answered_days_ago(archive, number, 3)
    arrived = archive.settings.local_today() - timedelta(days=2)
    log_in(client, "utama")
    page = f"/ruang-kerja/permohonan/{number}"
    assert 'name="received_on"' in client.get(page).get_data(as_text=True)

    recorded = client.post(
        f"{page}/keberatan",
        data={
            "csrf_token": csrf_token(client, page),
            "channel": "letter",
            "ground": ["a", "d"],
            "received_on": arrived.isoformat(),
            "reasons": "Surat keberatan atas dua alasan.",
        },
    )

    assert recorded.status_code == 303
    shown = client.get(recorded.headers["Location"]).get_data(as_text=True)
    assert "informasi dikecualikan" in shown
    assert "tidak sebagaimana yang diminta" in shown
    with archive.reading() as session:
        objection = session.scalar(select(Objection))
        assert objection.grounds == "ad"


# --- the atasan's deadlines: flags and reminders ---------------------------------


def test_open_objections_are_flagged_and_the_atasan_reminded_once_a_day(
    client, cast, archive
):
    from dms.requests import workflow
    from dms.requests.objections import objection_flags
    from tests.web.test_request_workflow import EMAILS, outbox

    give_emails(archive)
    today = archive.settings.local_today()
    number, secret, _test, _doc = refused_request(client, cast, archive)
    late = object_to(client, number, secret, ground="a").get_json()["number"]
    calm = object_to(client, number, secret, ground="d").get_json()["number"]
    with archive.transaction() as session:
        days = working_calendar(session, archive.settings)
        found = {o.number: o for o in session.scalars(select(Objection))}
        assert objection_flags(found[calm], days, today) == set()
        soon = days.subtract(found[calm].due_on, 2)
        assert objection_flags(found[calm], days, soon) == {"due_soon"}
        found[late].due_on = today - timedelta(days=1)

    listed = client.get("/api/v1/objections", headers=cast.auth("atasan"))
    flagged = {o["number"]: o["flags"] for o in listed.get_json()["objections"]}
    assert flagged == {late: ["overdue"], calm: []}

    first = workflow.remind_requests(archive, today=today)
    again = workflow.remind_requests(archive, today=today)

    assert first.objections == [late] and again.objections == []
    reminders = [m for m in outbox(archive) if m.subject.startswith("TERLAMBAT")]
    assert [(m.recipient, late in m.subject) for m in reminders] == [
        (EMAILS["atasan"], True)
    ]
    tomorrow = workflow.remind_requests(archive, today=today + timedelta(days=1))
    assert tomorrow.objections == [late]
    log_in(client, "atasan")
    dashboard = client.get("/ruang-kerja").get_data(as_text=True)
    assert "Keberatan menunggu tanggapan: <strong>2</strong>" in dashboard
    assert "1 melewati batas waktu" in dashboard
    listing = client.get("/ruang-kerja/keberatan").get_data(as_text=True)
    row = listing.split(late)[2].split("</tr>")[0]
    assert "Terlambat" in row
    assert "Terlambat" in client.get(f"/ruang-kerja/keberatan/{late}").get_data(
        as_text=True
    )


def test_a_decided_objection_is_neither_flagged_nor_reminded(client, cast, archive):
    from dms.requests import workflow

    give_emails(archive)
    number, secret, _test, _doc = refused_request(client, cast, archive)
    objection = object_to(client, number, secret, ground="a").get_json()["number"]
    decided = client.post(
        f"/api/v1/objections/{objection}/decide",
        json={"decision": "rejected", "decision_text": "Pengecualian sah."},
        headers=cast.auth("atasan"),
    )
    assert decided.status_code == 200, decided.get_json()
    with archive.transaction() as session:
        session.scalar(select(Objection)).due_on = date(2020, 1, 1)

    report = workflow.remind_requests(archive, today=archive.settings.local_today())

    assert report.objections == []


# --- the tanggapan letter ----------------------------------------------------------


def test_the_atasans_answer_produces_a_signed_and_dated_tanggapan_letter(
    client, cast, archive
):
    from io import BytesIO
    from zoneinfo import ZoneInfo

    from pdfminer.high_level import extract_text

    from dms.accounts import service as accounts
    from dms.accounts.roles import SYSTEM
    from dms.output.dates import indonesian_date

    nip, position = "197001011990031001", "Sekretaris Daerah"
    with archive.transaction() as session:
        accounts.set_official(
            session, actor=SYSTEM, username="atasan", nip=nip, position=position
        )
    number, secret, _test, _doc = refused_request(client, cast, archive)
    filed = object_to(client, number, secret, ground=None, grounds=["a", "d"])
    objection, objection_secret = filed.get_json()["number"], filed.get_json()["secret"]
    public = f"/keberatan/status/{objection}/tanggapan.pdf?kunci={objection_secret}"
    api = f"/api/v1/objections/{objection}/response.pdf"
    assert client.get(public).status_code == 404  # not answered yet
    decided = client.post(
        f"/api/v1/objections/{objection}/decide",
        json={"decision": "rejected", "decision_text": "Pengecualian huruf h sah."},
        headers=cast.auth("atasan"),
    )
    assert decided.status_code == 200
    assert decided.get_json()["response_url"] == api
    with archive.reading() as session:
        decided_at = session.scalar(select(Objection)).decided_at
    local = decided_at.astimezone(ZoneInfo(archive.settings.timezone)).date()

    letter = client.get(public)

    assert letter.status_code == 200 and letter.mimetype == "application/pdf"
    text = " ".join(extract_text(BytesIO(letter.data)).split())
    for expected in (
        "ATASAN PPID UTAMA",
        "TANGGAPAN ATAS KEBERATAN",
        objection,
        number,
        "keberatan ditolak",
        "Pengecualian huruf h sah.",
        "huruf a:",
        "huruf d:",
        indonesian_date(local),
        nip,
        position,
        "Komisi Informasi",
        "************0001",
    ):
        assert expected in text, expected
    assert NIK not in text and "PPID PPID" not in text
    status = client.get(f"/keberatan/status/{objection}?kunci={objection_secret}")
    assert "tanggapan.pdf" in status.get_data(as_text=True)
    assert client.get(f"{api}?secret={objection_secret}").status_code == 200
    assert client.get(f"{api}?secret=salah").status_code == 404
    assert client.get(api, headers=cast.auth("utama")).status_code == 200
    assert client.get(api, headers=cast.auth("bpbd")).status_code == 404
    log_in(client, "atasan")
    page = client.get(f"/ruang-kerja/keberatan/{objection}").get_data(as_text=True)
    assert f"/ruang-kerja/keberatan/{objection}/tanggapan.pdf" in page
    officer = client.get(f"/ruang-kerja/keberatan/{objection}/tanggapan.pdf")
    assert officer.status_code == 200 and officer.data[:5] == b"%PDF-"
