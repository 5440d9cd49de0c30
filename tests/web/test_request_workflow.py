"""The request workflow through the API and the pages: disposition to OPD, one
extension, the answer with linked documents and attachments, the written notice,
what the requester sees, flags and reminders, the public log, masked exports,
and who may see the requester's personal data."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from pdfminer.high_level import extract_text
from sqlalchemy import select, update

from dms.accounts.models import User
from dms.audit import AuditEvent
from dms.mail import OutboxMessage
from dms.requests import workflow
from dms.requests.models import InformationRequest
from dms.requests.service import submit_request
from dms.workdays import working_calendar
from tests.helpers import a_pdf, exempt_upload, make_exempt, post_multipart, upload
from tests.requests_helpers import NIK, a_request, wib
from tests.web.test_auth_pages import csrf_token, log_in

EMAILS = {
    "utama": "utama@ppid.example.id",
    "dinkes": "dinkes@ppid.example.id",
    "bpbd": "bpbd@ppid.example.id",
    "atasan": "atasan@ppid.example.id",
}
PERSONAL = (NIK, "siti@contoh.id", "081234567890", "Veteran")


def give_emails(archive) -> None:
    with archive.transaction() as session:
        for username, email in EMAILS.items():
            session.execute(
                update(User).where(User.username == username).values(email=email)
            )


def file_now(archive, *, now=None, **changes):
    """File a citizen's request (received now unless told); (number, secret)."""
    with archive.transaction() as session:
        filed = submit_request(
            session,
            archive.storage,
            actor=None,
            fields=a_request(**changes),
            settings=archive.settings,
            now=now,
        )
        return filed.request.number, filed.secret


def dispose(client, cast, number, *orgs, subject="Laporan realisasi anggaran 2025"):
    return client.post(
        f"/api/v1/requests/{number}/dispose",
        json={"organisations": list(orgs), "subject": subject, "note": "Mohon dijawab"},
        headers=cast.auth("utama"),
    )


def published_document(client, cast, title="Laporan Realisasi Anggaran 2025"):
    response = upload(client, cast, "utama", title=title, publish="true")
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def outbox(archive) -> list[OutboxMessage]:
    with archive.reading() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def actions_on(archive, object_type: str) -> list[str]:
    with archive.reading() as session:
        return list(
            session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.object_type == object_type)
                .order_by(AuditEvent.id)
            )
        )


# --- the whole path -------------------------------------------------------------------


def test_a_request_is_disposed_answered_with_a_document_and_the_requester_sees_it(
    client, cast, archive
):
    give_emails(archive)
    document_id = published_document(client, cast)
    number, secret = file_now(archive)

    assert dispose(client, cast, number, "dinkes").status_code == 200
    answered = client.post(
        f"/api/v1/requests/{number}/answer",
        json={
            "outcome": "granted",
            "documents": [document_id],
            "answer_text": "Dokumen terlampir pada tautan.",
        },
        headers=cast.auth("dinkes"),
    )
    assert answered.status_code == 200, answered.get_json()
    assert answered.get_json()["state"] == "answered"

    seen = client.get(f"/api/v1/requests/{number}?secret={secret}").get_json()
    assert seen["answer"]["outcome"] == "granted"
    assert seen["answer"]["documents"][0]["id"] == document_id
    assert "requester" not in seen
    page = client.get(f"/permohonan/status/{number}?kunci={secret}")
    html = page.get_data(as_text=True)
    assert "Laporan Realisasi Anggaran 2025" in html
    assert f"/dokumen/{document_id}" in html
    download = client.get(f"/api/v1/documents/{document_id}/download")
    assert download.status_code == 200 and download.data == a_pdf()

    notice = client.get(f"/permohonan/{number}/pemberitahuan.pdf?kunci={secret}")
    assert notice.status_code == 200
    text = extract_text(io.BytesIO(notice.data))
    assert "PEMBERITAHUAN TERTULIS" in text and number in text
    assert "dikabulkan seluruhnya" in text and "Tidak dipungut biaya" in text
    assert NIK not in text and NIK[-4:] in text

    sent = outbox(archive)
    to_requester = [m.subject for m in sent if m.recipient == "siti@contoh.id"]
    assert to_requester == [
        f"Permohonan informasi {number} telah diterima",
        f"Permohonan {number} sedang diproses",
        f"Permohonan {number} telah dijawab",
    ]
    assert any(m.recipient == EMAILS["utama"] for m in sent)
    assert [m.recipient for m in sent if "Disposisi" in m.subject] == [EMAILS["dinkes"]]
    for message in sent:
        if message.recipient != "siti@contoh.id":
            assert NIK not in message.body and "siti@contoh.id" not in message.body
    assert actions_on(archive, "informationrequest") == [
        "request.submit",
        "request.dispose",
        "request.answer",
    ]


def test_only_handlers_see_the_personal_data_and_other_opd_see_nothing(
    client, cast, archive
):
    number, _secret = file_now(archive)
    dispose(client, cast, number, "dinkes")

    for username in ("utama", "dinkes"):
        body = client.get(
            f"/api/v1/requests/{number}", headers=cast.auth(username)
        ).get_json()
        assert body["requester"]["identity_number"] == NIK
    assert (
        client.get(f"/api/v1/requests/{number}", headers=cast.auth("bpbd")).status_code
        == 404
    )
    assert (
        client.get(f"/api/v1/requests/{number}", headers=cast.auth("admin")).status_code
        == 404
    )
    listed = client.get("/api/v1/requests", headers=cast.auth("bpbd")).get_json()
    assert listed["requests"] == []
    listed = client.get("/api/v1/requests", headers=cast.auth("dinkes")).get_json()
    assert [r["number"] for r in listed["requests"]] == [number]
    assert "requester" not in listed["requests"][0]
    assert client.get("/api/v1/requests").status_code == 401


def test_disposition_is_the_utamas_needs_a_subject_and_known_opd(client, cast, archive):
    number, _ = file_now(archive)
    refused = client.post(
        f"/api/v1/requests/{number}/dispose",
        json={"organisations": ["dinkes"], "subject": "x"},
        headers=cast.auth("dinkes"),
    )
    assert refused.status_code == 403
    no_subject = dispose(client, cast, number, "dinkes", subject="")
    assert no_subject.status_code == 422
    assert no_subject.get_json()["error"]["field"] == "subject"
    unknown = dispose(client, cast, number, "tidak-ada")
    assert unknown.status_code == 422
    assert dispose(client, cast, number, "dinkes", "bpbd").status_code == 200
    again = dispose(client, cast, number, "dinkes")
    assert again.status_code == 409
    body = client.get(f"/api/v1/requests/{number}", headers=cast.auth("bpbd"))
    assert [o["slug"] for o in body.get_json()["organisations"]] == ["dinkes", "bpbd"]


def test_a_walk_in_request_recorded_by_an_opd_is_handled_by_that_opd(
    client, cast, archive
):
    fields = {
        **a_request(channel="walk_in", email="", delivery="collect"),
        "received_on": "",
    }
    created = client.post("/api/v1/requests", json=fields, headers=cast.auth("bpbd"))
    assert created.status_code == 201, created.get_json()
    number = created.get_json()["number"]
    body = client.get(f"/api/v1/requests/{number}", headers=cast.auth("bpbd"))
    assert body.get_json()["state"] == "disposed"
    assert body.get_json()["organisations"][0]["slug"] == "bpbd"


def test_a_letter_may_be_recorded_with_the_day_it_arrived(client, cast, archive):
    today = archive.settings.local_today()
    arrived = today - timedelta(days=7)
    fields = {**a_request(channel="letter"), "received_on": arrived.isoformat()}
    created = client.post("/api/v1/requests", json=fields, headers=cast.auth("utama"))
    assert created.status_code == 201, created.get_json()
    with archive.reading() as session:
        due = working_calendar(session, archive.settings).due_date(arrived, 10)
    assert created.get_json()["due_on"] == due.isoformat()

    too_old = {**fields, "received_on": (today - timedelta(days=40)).isoformat()}
    refused = client.post("/api/v1/requests", json=too_old, headers=cast.auth("utama"))
    assert refused.status_code == 422
    assert refused.get_json()["error"]["field"] == "received_on"
    citizen = {**a_request(), "received_on": arrived.isoformat()}
    with archive.transaction() as session:
        filed = submit_request(
            session,
            archive.storage,
            actor=None,
            fields=citizen,
            settings=archive.settings,
        )
        assert filed.request.due_on != due  # citizens cannot back-date


# --- extension ------------------------------------------------------------------------


def test_one_extension_of_at_most_seven_working_days_with_a_reason(archive, cast):
    # DOMAIN.md §4: received Mon 24 Mar 2025, due Wed 16 Apr 2025; seven more
    # working days skip Good Friday (18 Apr): Mon 28 Apr 2025.
    number, _ = file_now(archive, now=wib(2025, 3, 24, 9, 0))
    with archive.transaction() as session:
        utama = session.scalar(select(User).where(User.username == "utama"))
        days = working_calendar(session, archive.settings)
        for bad, field in (
            ((8, "Alasan yang cukup panjang"), "days"),
            ((3, "x"), "reason"),
        ):
            try:
                workflow.extend(
                    session,
                    actor=utama,
                    number=number,
                    days=bad[0],
                    reason=bad[1],
                    calendar=days,
                    today=date(2025, 4, 10),
                )
            except Exception as exc:  # noqa: BLE001 - checked below
                assert getattr(exc, "field", None) == field
            else:
                raise AssertionError("accepted a bad extension")
        found = workflow.extend(
            session,
            actor=utama,
            number=number,
            days=7,
            reason="Dokumen tersebar di beberapa bidang dan perlu dihimpun.",
            calendar=days,
            today=date(2025, 4, 16),
        )
        assert found.extended_due_on == date(2025, 4, 28)
        assert found.due_on == date(2025, 4, 16)  # the first deadline stays
        assert found.state == "extended"
    with archive.transaction() as session:
        utama = session.scalar(select(User).where(User.username == "utama"))
        try:
            workflow.extend(
                session,
                actor=utama,
                number=number,
                days=2,
                reason="Sekali lagi karena masih banyak",
                calendar=working_calendar(session, archive.settings),
                today=date(2025, 4, 17),
            )
        except Exception as exc:  # noqa: BLE001
            assert "satu kali" in str(exc)
        else:
            raise AssertionError("extended twice")


def test_no_extension_after_the_first_deadline(archive, cast):
    number, _ = file_now(archive, now=wib(2025, 3, 24, 9, 0))
    with archive.transaction() as session:
        utama = session.scalar(select(User).where(User.username == "utama"))
        try:
            workflow.extend(
                session,
                actor=utama,
                number=number,
                days=3,
                reason="Terlambat meminta perpanjangan",
                calendar=working_calendar(session, archive.settings),
                today=date(2025, 4, 17),
            )
        except Exception as exc:  # noqa: BLE001
            assert "sebelum batas waktu pertama" in str(exc)
        else:
            raise AssertionError("extended after the deadline")


def test_the_api_extends_a_fresh_request_and_the_requester_sees_the_new_date(
    client, cast, archive
):
    number, secret = file_now(archive)
    extended = client.post(
        f"/api/v1/requests/{number}/extend",
        json={"days": 5, "reason": "Perlu koordinasi dengan bidang lain."},
        headers=cast.auth("utama"),
    )
    assert extended.status_code == 200, extended.get_json()
    seen = client.get(f"/api/v1/requests/{number}?secret={secret}").get_json()
    assert seen["state"] == "extended"
    assert seen["extended_due_on"] > seen["due_on"]
    assert seen["extension_reason"] == "Perlu koordinasi dengan bidang lain."


# --- the answer -----------------------------------------------------------------------


def test_answers_need_what_their_outcome_needs(client, cast, archive):
    number, _ = file_now(archive)

    def answer(**body):
        return client.post(
            f"/api/v1/requests/{number}/answer", json=body, headers=cast.auth("utama")
        )

    assert answer(outcome="bogus").status_code == 422
    empty = answer(outcome="granted")
    assert (
        empty.status_code == 422 and empty.get_json()["error"]["field"] == "documents"
    )
    no_test = answer(outcome="refused_exempt_h", answer_text="Data pribadi")
    assert no_test.get_json()["error"]["field"] == "consequence_test"
    no_reason = answer(outcome="not_documented")
    assert no_reason.get_json()["error"]["field"] == "answer_text"
    with archive.reading() as session:
        found = session.scalar(
            select(InformationRequest).where(InformationRequest.number == number)
        )
        assert found.state == "submitted" and found.outcome is None
    held = answer(
        outcome="not_held",
        answer_text="Informasi ini dikuasai instansi lain.",
        holder_name="Badan Pusat Statistik",
    )
    assert held.status_code == 200
    assert held.get_json()["answer"]["holder_name"] == "Badan Pusat Statistik"
    assert answer(outcome="granted", answer_text="lagi").status_code == 409


def test_an_exempt_or_draft_document_cannot_be_linked_and_the_refusal_is_the_same(
    client, cast, archive
):
    number, _ = file_now(archive)
    exempt = exempt_upload(client, cast, "dinkes", title="Rekam medis pasien")
    draft = upload(client, cast, "dinkes", title="Draf internal").get_json()["id"]
    messages = []
    for document_id in (exempt["id"], draft, 999_999):
        refused = client.post(
            f"/api/v1/requests/{number}/answer",
            json={"outcome": "granted", "documents": [document_id]},
            headers=cast.auth("utama"),
        )
        assert refused.status_code == 422
        messages.append(refused.get_json()["error"]["message"].split(":")[0])
    assert len(set(messages)) == 1
    assert "Rekam medis" not in str(messages)


def test_a_refusal_as_exempt_names_its_approved_test_and_the_notice_gives_the_basis(
    client, cast, archive
):
    document_id = upload(client, cast, "dinkes", title="Data pasien").get_json()["id"]
    test_id = make_exempt(client, cast, document_id)
    test_number = client.get(
        f"/api/v1/consequence-tests/{test_id}", headers=cast.auth("utama")
    ).get_json()["number"]
    number, secret = file_now(archive)

    wrong_letter = client.post(
        f"/api/v1/requests/{number}/answer",
        json={"outcome": "refused_exempt_a", "consequence_test": test_number},
        headers=cast.auth("utama"),
    )
    assert wrong_letter.status_code == 422
    refused = client.post(
        f"/api/v1/requests/{number}/answer",
        json={"outcome": "refused_exempt_h", "consequence_test": test_number},
        headers=cast.auth("utama"),
    )
    assert refused.status_code == 200, refused.get_json()
    notice = client.get(f"/api/v1/requests/{number}/notice.pdf?secret={secret}")
    text = extract_text(io.BytesIO(notice.data))
    assert "Pasal 17 huruf h" in text and test_number in text
    assert "Data pasien" not in text  # the exempt document's title stays closed


def test_attachments_reach_the_requester_but_identity_files_never_do(
    client, cast, archive
):
    number, secret = file_now(archive)
    answered = post_multipart(
        client,
        f"/api/v1/requests/{number}/answer",
        {
            "outcome": "granted",
            "answer_text": "Salinan terlampir.",
            "attachments": (io.BytesIO(a_pdf("Salinan SK")), "salinan-sk.pdf"),
        },
        cast.auth("utama"),
    )
    assert answered.status_code == 200, answered.get_json()
    attachment = answered.get_json()["answer"]["attachments"][0]
    url = attachment["url"]
    assert client.get(url).status_code == 404  # no secret, no email
    got = client.get(f"{url}?secret={secret}")
    assert got.status_code == 200 and got.data == a_pdf("Salinan SK")
    assert "no-store" in got.headers["Cache-Control"]
    page = client.get(
        f"/permohonan/{number}/lampiran/{attachment['id']}?kunci={secret}"
    )
    assert page.status_code == 200
    assert (
        client.get(f"/permohonan/{number}/lampiran/999?kunci={secret}").status_code
        == 404
    )


# --- flags and reminders --------------------------------------------------------------


def test_overdue_and_due_soon_flags_and_one_reminder_a_day(client, cast, archive):
    give_emails(archive)
    today = archive.settings.local_today()
    old, _ = file_now(archive, now=wib(2025, 3, 24, 9, 0))
    fresh, _ = file_now(archive)
    dispose(client, cast, old, "dinkes")
    with archive.transaction() as session:
        days = working_calendar(session, archive.settings)
        found = {r.number: r for r in session.scalars(select(InformationRequest))}
        assert workflow.flags(found[old], days, today) == {"overdue"}
        two_days_before = days.subtract(found[fresh].due_on, 2)
        assert workflow.flags(found[fresh], days, two_days_before) == {"due_soon"}
        assert (
            workflow.flags(found[fresh], days, days.subtract(found[fresh].due_on, 3))
            == set()
        )
        session.execute(update(OutboxMessage).values(sent_at=found[old].received_at))

    overdue = client.get(
        "/api/v1/requests?flag=overdue", headers=cast.auth("utama")
    ).get_json()
    assert [r["number"] for r in overdue["requests"]] == [old]
    assert overdue["requests"][0]["flags"] == ["overdue"]

    first = workflow.remind_requests(archive, today=today)
    again = workflow.remind_requests(archive, today=today)
    assert first.reminded == [old] and again.reminded == []
    reminders = [m for m in outbox(archive) if "TERLAMBAT" in m.subject]
    assert [m.recipient for m in reminders] == [EMAILS["dinkes"]]
    tomorrow = workflow.remind_requests(archive, today=today + timedelta(days=1))
    assert tomorrow.reminded == [old]


# --- the public log and exports -------------------------------------------------------


def test_the_public_log_shows_the_subject_dates_and_outcome_and_nothing_personal(
    client, cast, archive
):
    number, _ = file_now(
        archive, information_requested="Data kependudukan Siti Aminah NIK lengkap"
    )
    dispose(client, cast, number, "dinkes", subject="Data kependudukan")
    client.post(
        f"/api/v1/requests/{number}/answer",
        json={
            "outcome": "not_public_information",
            "answer_text": "Bukan informasi publik.",
        },
        headers=cast.auth("dinkes"),
    )
    html = client.get("/permohonan/daftar").get_data(as_text=True)
    assert number in html and "Data kependudukan" in html
    assert "bukan permohonan informasi publik" in html
    for secret in (*PERSONAL, "Siti Aminah", "NIK lengkap"):
        assert secret not in html


def test_the_public_log_can_be_switched_off(tmp_path, test_config):
    from dms.web import create_app

    app = create_app({**test_config, "public_request_log": False})
    assert app.test_client().get("/permohonan/daftar").status_code == 404


def test_the_csv_export_masks_personal_data(client, cast, archive):
    number, _ = file_now(archive)
    exported = client.get("/api/v1/requests?format=csv", headers=cast.auth("utama"))
    assert exported.status_code == 200
    text = exported.get_data(as_text=True)
    assert number in text
    assert "************0001" in text and "s***@contoh.id" in text and "***890" in text
    assert "S*** A***" in text
    for secret in PERSONAL + ("Siti Aminah",):
        assert secret not in text


# --- officer pages --------------------------------------------------------------------


def login(client, username: str) -> None:
    response = log_in(client, username)
    assert response.status_code == 302


def csrf(client, path: str) -> str:
    return csrf_token(client, path)


def test_officers_dispose_and_answer_from_the_workspace_without_javascript(
    client, cast, archive
):
    document_id = published_document(client, cast)
    number, secret = file_now(archive)
    login(client, "utama")
    page = f"/ruang-kerja/permohonan/{number}"
    html = client.get(page).get_data(as_text=True)
    assert NIK in html  # the Utama handles every request
    disposed = client.post(
        f"{page}/disposisi",
        data={
            "csrf_token": csrf(client, page),
            "organisations": "dinkes",
            "subject": "Laporan anggaran",
        },
    )
    assert disposed.status_code == 303
    client.post("/keluar", data={"csrf_token": csrf(client, "/ruang-kerja")})

    login(client, "bpbd")
    assert client.get(page).status_code == 404
    client.post("/keluar", data={"csrf_token": csrf(client, "/ruang-kerja")})

    login(client, "dinkes")
    listing = client.get("/ruang-kerja/permohonan").get_data(as_text=True)
    assert number in listing
    refused = client.post(
        f"{page}/jawab", data={"csrf_token": csrf(client, page), "outcome": "granted"}
    )
    assert refused.status_code == 422
    assert 'id="ringkasan-kesalahan"' in refused.get_data(as_text=True)
    answered = client.post(
        f"{page}/jawab",
        data={
            "csrf_token": csrf(client, page),
            "outcome": "granted",
            "documents": str(document_id),
        },
    )
    assert answered.status_code == 303
    html = client.get(page).get_data(as_text=True)
    assert "dikabulkan seluruhnya" in html
    notice = client.get(f"{page}/pemberitahuan.pdf")
    assert notice.status_code == 200 and notice.data.startswith(b"%PDF")


def test_each_dashboard_counts_the_requests_its_officer_handles(client, cast, archive):
    old, _ = file_now(archive, now=wib(2025, 3, 24, 9, 0))
    file_now(archive)
    dispose(client, cast, old, "dinkes")

    def counts(username: str) -> dict[str, str]:
        log_in(client, username)
        html = client.get("/ruang-kerja").get_data(as_text=True)
        client.post("/keluar", data={"csrf_token": csrf_token(client, "/ruang-kerja")})
        found = re.findall(
            r"(Permohonan terbuka|Terlambat|Keberatan menunggu tanggapan)"
            r": <strong>(\d+)</strong>",
            html,
        )
        return dict(found)

    assert counts("utama") == {
        "Permohonan terbuka": "2",
        "Terlambat": "1",
        "Keberatan menunggu tanggapan": "0",
    }
    assert counts("dinkes")["Permohonan terbuka"] == "1"
    assert counts("dinkes")["Terlambat"] == "1"
    assert counts("bpbd")["Permohonan terbuka"] == "0"


# --- the acceptance path, with a real SMTP server -------------------------------------


def test_portal_request_answered_with_a_document_and_every_email_arrives(
    smtp_server, test_config
):
    """Issue 6's acceptance: filed on the portal (number, receipt, status link),
    answered with a linked document, seen and downloaded by the requester, and
    the notifications delivered to the SMTP server on 127.0.0.1."""
    from dms.web import create_app
    from tests.conftest import make_cast
    from tests.web.test_request_pages import filed_on_portal

    app = create_app(
        {**test_config, "queue_url": "immediate", "smtp_url": smtp_server.url}
    )
    app.config["TESTING"] = True
    try:
        archive = app.extensions["dms"]
        archive.storage.ensure_ready()
        cast = make_cast(archive)
        give_emails(archive)
        client = app.test_client()
        document_id = published_document(client, cast)

        number, status_link = filed_on_portal(client)
        status_path = status_link.removeprefix("http://localhost")
        receipt = client.get(
            status_path.replace("/status/", "/").split("?")[0]
            + "/bukti.pdf?"
            + status_path.split("?")[1]
        )
        assert receipt.status_code == 200 and receipt.data.startswith(b"%PDF")

        assert dispose(client, cast, number, "dinkes").status_code == 200
        answered = client.post(
            f"/api/v1/requests/{number}/answer",
            json={"outcome": "granted", "documents": [document_id]},
            headers=cast.auth("dinkes"),
        )
        assert answered.status_code == 200, answered.get_json()

        html = client.get(status_path).get_data(as_text=True)
        assert "dikabulkan seluruhnya" in html and f"/dokumen/{document_id}" in html
        download = client.get(f"/api/v1/documents/{document_id}/download")
        assert download.data == a_pdf()

        received = {
            (message["To"], message["Subject"]) for message in smtp_server.messages
        }
        assert received >= {
            ("siti@contoh.id", f"Permohonan informasi {number} telah diterima"),
            (EMAILS["utama"], f"Permohonan baru {number} menunggu disposisi"),
            (EMAILS["dinkes"], f"Disposisi permohonan {number}"),
            ("siti@contoh.id", f"Permohonan {number} sedang diproses"),
            ("siti@contoh.id", f"Permohonan {number} telah dijawab"),
        }
        welcome = next(
            m
            for m in smtp_server.messages
            if m["Subject"] == f"Permohonan informasi {number} telah diterima"
        )
        assert status_link in welcome.get_content()  # the secret link, once
        with archive.reading() as session:
            unsent = session.scalars(
                select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
            ).all()
        assert unsent == []
    finally:
        app.extensions["dms"].close()


def test_links_in_email_come_from_public_url_else_from_the_web_request(test_config):
    from dms.requests import notify
    from dms.web import create_app

    configured = create_app(test_config)  # public_url http://localhost
    bare = create_app({**test_config, "public_url": ""})
    try:
        for app, inside, outside in (
            (configured, "http://localhost", "http://localhost"),
            (bare, "http://ppid.lokal:8080", ""),
        ):
            archive = app.extensions["dms"]
            with (
                app.test_request_context("/", base_url="http://ppid.lokal:8080"),
                archive.transaction() as session,
            ):
                assert notify.site_url(session) == inside
            # The worker and the command line: no request to borrow from.
            with archive.transaction() as session:
                assert notify.site_url(session) == outside
    finally:
        configured.extensions["dms"].close()
        bare.extensions["dms"].close()
