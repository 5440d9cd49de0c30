"""Review attacks on requests, objections and disputes: hostile input must be a
4xx with a message (never a 500), exempt content and personal data must stay
with those who may see them, and the workflow must not be bypassed. Written by
a reviewer against the first version: each test is a bug it found, now fixed, or
a guard it confirmed."""

from __future__ import annotations

import io

from pdfminer.high_level import extract_text
from sqlalchemy import func, select

from dms.documents.models import Document
from dms.requests.models import Dispute, InformationRequest, Objection
from tests.helpers import make_exempt, upload
from tests.requests_helpers import NIK, a_request
from tests.web.test_objections import api_guards, object_to, refused_request
from tests.web.test_request_workflow import dispose, file_now, published_document

REASONS = "Informasi ini menyangkut kepentingan publik yang besar."
HUGE = 10**20  # beyond any SQL integer column


def _is_4xx(response) -> bool:
    return 400 <= response.status_code < 500


def _has_message(response) -> bool:
    body = response.get_json(silent=True) or {}
    text = str(body)
    return _is_4xx(response) and len(text) > 10


def _test_number(client, cast, test_id) -> str:
    found = client.get(
        f"/api/v1/consequence-tests/{test_id}", headers=cast.auth("utama")
    )
    return found.get_json()["number"]


def _decided_objection(client, cast, archive):
    """A refused request, an objection on ground a, decided by the atasan;
    (objection number, request number, secret, test number, document id)."""
    number, secret, test_number, document_id = refused_request(client, cast, archive)
    filed = object_to(client, number, secret)
    assert filed.status_code == 201, filed.get_json()
    objection = filed.get_json()["number"]
    decided = client.post(
        f"/api/v1/objections/{objection}/decide",
        json={"decision": "rejected", "decision_text": "Tetap dikecualikan."},
        headers=cast.auth("atasan"),
    )
    assert decided.status_code == 200, decided.get_json()
    return objection, number, secret, test_number, document_id


def _dispute(client, cast, archive):
    objection, number, secret, test_number, document_id = _decided_objection(
        client, cast, archive
    )
    today = archive.settings.local_today().isoformat()
    recorded = client.post(
        f"/api/v1/objections/{objection}/disputes",
        json={"register_number": "001/I/KI-BTN-PS/2026", "filed_on": today},
        headers=cast.auth("utama"),
    )
    assert recorded.status_code == 201, recorded.get_json()
    dispute_id = recorded.get_json()["disputes"][0]["id"]
    return dispute_id, objection, number, secret, test_number, document_id


def _disposed(client, cast, archive, org="dinkes"):
    number, secret = file_now(archive)
    assert dispose(client, cast, number, org).status_code == 200
    return number, secret


def _count(archive, model) -> int:
    with archive.reading() as session:
        return session.scalar(select(func.count()).select_from(model))


# --- 1. hostile input: 4xx, never 500 ---


def test_deciding_an_objection_with_a_list_or_object_decision_is_a_4xx(
    client, cast, archive
):
    number, secret, _test, _doc = refused_request(client, cast, archive)
    objection = object_to(client, number, secret).get_json()["number"]
    for decision in ([], ["upheld"], {"a": 1}):
        response = client.post(
            f"/api/v1/objections/{objection}/decide",
            json={"decision": decision, "decision_text": "Tanggapan tertulis."},
            headers=cast.auth("atasan"),
        )
        assert _has_message(response), (decision, response.status_code)


def test_answer_cost_and_extension_days_with_odd_digit_strings_are_a_4xx(
    client, cast, archive
):
    number, _secret = _disposed(client, cast, archive)
    for value in ("--5", "²", "¹²"):
        extended = client.post(
            f"/api/v1/requests/{number}/extend",
            json={"days": value, "reason": "Dokumen masih dikumpulkan dari arsip."},
            headers=cast.auth("dinkes"),
        )
        assert _has_message(extended), (value, extended.status_code)
        answered = client.post(
            f"/api/v1/requests/{number}/answer",
            json={"outcome": "granted", "answer_text": "Terlampir.", "cost": value},
            headers=cast.auth("dinkes"),
        )
        assert _has_message(answered), (value, answered.status_code)


def test_answer_cost_beyond_the_integer_column_is_a_4xx_and_stores_nothing(
    client, cast, archive
):
    number, _secret = _disposed(client, cast, archive)
    for cost in (HUGE, "999999999999"):
        response = client.post(
            f"/api/v1/requests/{number}/answer",
            json={"outcome": "granted", "answer_text": "Terlampir.", "cost": cost},
            headers=cast.auth("dinkes"),
        )
        assert _has_message(response), (cost, response.status_code)
    with archive.reading() as session:
        found = session.scalar(
            select(InformationRequest).where(InformationRequest.number == number)
        )
        assert found.state == "disposed" and found.outcome is None


def test_out_of_range_ids_in_an_answer_are_a_4xx(client, cast, archive):
    number, _secret = _disposed(client, cast, archive)
    cases = (
        {"outcome": "granted", "documents": [HUGE]},
        {"outcome": "granted", "documents": [str(HUGE)]},
        {"outcome": "refused_exempt_h", "consequence_test": HUGE},
        {"outcome": "refused_exempt_h", "consequence_test": str(HUGE)},
        {"outcome": "refused_exempt_h", "consequence_test": "²"},
    )
    for body in cases:
        response = client.post(
            f"/api/v1/requests/{number}/answer",
            json={"answer_text": "Penjelasan.", **body},
            headers=cast.auth("dinkes"),
        )
        assert _has_message(response), (body, response.status_code)


def test_a_dispute_id_beyond_32_bits_is_a_404(client, cast):
    for path in (
        f"/api/v1/disputes/{HUGE}/hearings",
        f"/api/v1/disputes/{HUGE}/decide",
    ):
        response = client.post(
            path,
            json={"held_on": "2026-01-05", "kind": "mediation"},
            headers=cast.auth("utama"),
        )
        assert response.status_code == 404, (path, response.status_code)


def test_the_public_log_with_a_huge_year_is_not_a_500(client):
    response = client.get(f"/permohonan/daftar?tahun={HUGE}")
    assert response.status_code < 500


def test_an_objection_with_a_non_string_request_number_is_a_4xx(client, cast):
    for value in (123, ["PPID-2026-000001"], {"n": 1}):
        response = client.post(
            "/api/v1/objections",
            json={"request": value, "ground": "c", "reasons": REASONS},
            headers=cast.auth("utama"),
        )
        assert _has_message(response), (value, response.status_code)


def test_an_objection_with_a_non_string_secret_is_a_4xx(client, archive):
    number, _secret = file_now(archive)
    for secret in (["x"], 12345):
        response = client.post(
            "/api/v1/objections",
            json={
                **api_guards(client),
                "request": number,
                "request_secret": secret,
                "ground": "c",
                "reasons": REASONS,
            },
        )
        assert _has_message(response), (secret, response.status_code)


def test_a_challenge_answer_in_odd_digits_or_a_non_string_token_is_a_4xx(client):
    guards = api_guards(client)
    for changes in (
        {"challenge_answer": "²"},
        {"challenge_token": ["x"]},
        {"challenge_token": 42},
    ):
        response = client.post(
            "/api/v1/requests", json={**a_request(), **guards, **changes}
        )
        assert _has_message(response), (changes, response.status_code)


def test_disposition_to_a_nested_list_of_organisations_is_a_4xx(client, cast, archive):
    number, _secret = file_now(archive)
    response = client.post(
        f"/api/v1/requests/{number}/dispose",
        json={"organisations": [["dinkes"]], "subject": "Laporan anggaran 2025"},
        headers=cast.auth("utama"),
    )
    assert _has_message(response), response.status_code


def test_a_dispute_decision_with_an_odd_open_test_is_a_4xx(client, cast, archive):
    dispute_id, *_ = _dispute(client, cast, archive)
    today = archive.settings.local_today().isoformat()
    for open_test in ("²", HUGE, str(HUGE)):
        response = client.post(
            f"/api/v1/disputes/{dispute_id}/decide",
            json={
                "decision": "granted",
                "decision_number": "001/PTS/KI-BTN/2026",
                "decided_on": today,
                "open_test": open_test,
            },
            headers=cast.auth("utama"),
        )
        assert _has_message(response), (open_test, response.status_code)
    with archive.reading() as session:
        assert session.get(Dispute, dispute_id).state == "filed"


def test_nul_bytes_in_values_compared_in_sql_are_a_4xx(client, cast, archive):
    """PostgreSQL refuses NUL in text parameters: each must be caught first."""
    number, _secret = file_now(archive)
    statuses = {}
    statuses["dispose organisations"] = client.post(
        f"/api/v1/requests/{number}/dispose",
        json={"organisations": ["din\x00kes"], "subject": "Laporan anggaran 2025"},
        headers=cast.auth("utama"),
    ).status_code
    assert dispose(client, cast, number, "dinkes").status_code == 200
    statuses["answer consequence_test"] = client.post(
        f"/api/v1/requests/{number}/answer",
        json={"outcome": "refused_exempt_h", "consequence_test": "UK-\x00"},
        headers=cast.auth("dinkes"),
    ).status_code
    statuses["GET objection path"] = client.get(
        "/api/v1/objections/KEB-2026-%00", headers=cast.auth("utama")
    ).status_code
    statuses["decide objection path"] = client.post(
        "/api/v1/objections/KEB-2026-%00/decide",
        json={"decision": "rejected", "decision_text": "Tanggapan."},
        headers=cast.auth("atasan"),
    ).status_code
    assert all(400 <= code < 500 for code in statuses.values()), statuses


def test_nul_in_a_dispute_open_test_is_a_4xx(client, cast, archive):
    dispute_id, *_ = _dispute(client, cast, archive)
    response = client.post(
        f"/api/v1/disputes/{dispute_id}/decide",
        json={
            "decision": "granted",
            "decision_number": "001/PTS/KI-BTN/2026",
            "decided_on": archive.settings.local_today().isoformat(),
            "open_test": "UK-\x00",
        },
        headers=cast.auth("utama"),
    )
    assert _is_4xx(response), response.status_code


# --- 2. exempt content ---


def test_a_dispute_decision_opens_only_the_document_refused_in_its_request(
    client, cast, archive
):
    """The Komisi's decision on this dispute must not open an unrelated exempt
    document of another OPD by naming its test."""
    dispute_id, _objection, _number, _secret, _test, _doc = _dispute(
        client, cast, archive
    )
    other = upload(client, cast, "bpbd", title="Rencana evakuasi rahasia").get_json()
    other_test = _test_number(client, cast, make_exempt(client, cast, other["id"]))
    response = client.post(
        f"/api/v1/disputes/{dispute_id}/decide",
        json={
            "decision": "granted",
            "decision_number": "001/PTS/KI-BTN/2026",
            "decided_on": archive.settings.local_today().isoformat(),
            "open_test": other_test,
        },
        headers=cast.auth("utama"),
    )
    assert response.status_code == 422, response.get_json()
    with archive.reading() as session:
        assert session.get(Document, other["id"]).category == "dikecualikan"


def test_a_pelaksana_cannot_refuse_with_another_opds_consequence_test(
    client, cast, archive
):
    """bpbd must not cite (nor probe the ground letter of) a test on a dinkes
    document it cannot see; the notice would print that test's consequences."""
    dinkes_doc = upload(client, cast, "dinkes", title="Data pasien").get_json()["id"]
    dinkes_test = _test_number(client, cast, make_exempt(client, cast, dinkes_doc))
    number, _secret = _disposed(client, cast, archive, org="bpbd")
    probe = client.post(
        f"/api/v1/requests/{number}/answer",
        json={"outcome": "refused_exempt_a", "consequence_test": dinkes_test},
        headers=cast.auth("bpbd"),
    )
    response = client.post(
        f"/api/v1/requests/{number}/answer",
        json={"outcome": "refused_exempt_h", "consequence_test": dinkes_test},
        headers=cast.auth("bpbd"),
    )
    leaked = " h," in str(probe.get_json())
    assert _is_4xx(response) and not leaked, (response.get_json(), probe.get_json())


def test_exempt_and_draft_documents_cannot_be_linked(client, cast, archive):
    exempt = upload(client, cast, "dinkes", title="Data pasien").get_json()["id"]
    make_exempt(client, cast, exempt)
    draft = upload(client, cast, "dinkes", title="Draf", publish="false").get_json()
    number, _secret = _disposed(client, cast, archive)
    for document_id in (exempt, draft["id"]):
        response = client.post(
            f"/api/v1/requests/{number}/answer",
            json={"outcome": "granted", "documents": [document_id]},
            headers=cast.auth("dinkes"),
        )
        assert response.status_code == 422, response.get_json()


# --- 3. workflow bypasses ---


def test_an_objection_on_ground_f_needs_a_cost_that_was_charged(client, cast, archive):
    """Ground f (unreasonable cost) has not arisen when the answer was free."""
    document_id = published_document(client, cast)
    number, secret = _disposed(client, cast, archive)
    answered = client.post(
        f"/api/v1/requests/{number}/answer",
        json={"outcome": "granted", "documents": [document_id], "cost": 0},
        headers=cast.auth("dinkes"),
    )
    assert answered.status_code == 200, answered.get_json()
    response = object_to(client, number, secret, ground="f")
    assert response.status_code == 422, response.get_json()


def test_objections_need_the_requests_own_secret_and_fail_alike(client, archive):
    first, _first_secret = file_now(archive)
    _second, second_secret = file_now(archive)
    wrong = object_to(client, first, second_secret, ground="c")
    absent = object_to(client, "PPID-2099-999999", second_secret, ground="c")
    assert wrong.status_code == absent.status_code == 404
    assert wrong.get_json() == absent.get_json()
    assert _count(archive, Objection) == 0


def test_other_officers_see_no_personal_data(client, cast, archive):
    number, _secret = _disposed(client, cast, archive)
    for username in ("bpbd", "admin", "atasan"):
        found = client.get(f"/api/v1/requests/{number}", headers=cast.auth(username))
        assert found.status_code == 404, username
        listed = client.get("/api/v1/requests?format=csv", headers=cast.auth(username))
        assert NIK not in listed.get_data(as_text=True)
    csv = client.get("/api/v1/requests?format=csv", headers=cast.auth("utama"))
    text = csv.get_data(as_text=True)
    assert number in text
    for secret in (NIK, "siti@contoh.id", "081234567890", "Siti Aminah", "Veteran"):
        assert secret not in text


def test_the_notice_masks_short_legal_entity_numbers(client, cast, archive):
    """A registration number of three or four characters is printed whole."""
    number, secret = file_now(
        archive, requester_kind="legal_entity", identity_number="A12"
    )
    assert dispose(client, cast, number, "dinkes").status_code == 200
    answered = client.post(
        f"/api/v1/requests/{number}/answer",
        json={"outcome": "not_documented", "answer_text": "Belum ada dokumennya."},
        headers=cast.auth("dinkes"),
    )
    assert answered.status_code == 200, answered.get_json()
    csv = client.get("/api/v1/requests?format=csv", headers=cast.auth("utama"))
    assert "A12" not in csv.get_data(as_text=True)
    notice = client.get(f"/permohonan/{number}/pemberitahuan.pdf?kunci={secret}")
    assert "A12" not in extract_text(io.BytesIO(notice.data))


# --- every field of every POST, with every wrong type ---

WRONG = (
    [],
    ["a"],
    {"a": 1},
    7,
    -1,
    2.5,
    True,
    None,
    HUGE,
    "x" * 100_000,
    "a\x00b",
    "²",
    "--1",
)


def test_every_field_of_every_post_with_a_wrong_type_is_a_4xx(client, cast, archive):
    """Fuzz: each field of each JSON POST replaced by each wrong value; any 500
    is listed (the endpoint, the field, the value). A step that succeeds moves
    on to a fresh target, so no state change hides a later value."""
    from dms.web.security import limiter

    failures = []
    today = archive.settings.local_today().isoformat()

    def fuzz(make_path, body, user, fields):
        path = make_path()
        for field in fields:
            for value in WRONG:
                limiter.reset()
                headers = cast.auth(user) if user else {}
                response = client.post(
                    path, json={**body, field: value}, headers=headers
                )
                if response.status_code >= 500:
                    failures.append((path.rsplit("/", 1)[-1], field, repr(value)[:20]))
                elif response.status_code < 300:
                    path = make_path()

    def fresh_request():
        return file_now(archive)[0]

    def disposed_request():
        number = fresh_request()
        assert dispose(client, cast, number, "dinkes").status_code == 200
        return number

    def decided_objection():
        limiter.reset()
        filed = client.post(
            "/api/v1/objections", json=objection_body, headers=cast.auth("utama")
        )
        assert filed.status_code == 201, filed.get_json()
        number = filed.get_json()["number"]
        decided = client.post(
            f"/api/v1/objections/{number}/decide",
            json={"decision": "rejected", "decision_text": "Informasi tersedia."},
            headers=cast.auth("atasan"),
        )
        assert decided.status_code == 200, decided.get_json()
        return number

    counter = iter(range(1000))

    def open_dispute():
        objection = decided_objection()
        recorded = client.post(
            f"/api/v1/objections/{objection}/disputes",
            json={"register_number": f"R-{next(counter)}/KI/2026", "filed_on": today},
            headers=cast.auth("utama"),
        )
        assert recorded.status_code == 201, recorded.get_json()
        return recorded.get_json()["disputes"][0]["id"]

    objection_body = {
        "ground": "b",
        "reasons": REASONS,
        "name": "Budi",
        "address": "Jl. Merdeka 1",
        "identity_number": NIK,
        "email": "budi@contoh.id",
        "channel": "letter",
    }
    fuzz(
        lambda: f"/api/v1/requests/{fresh_request()}/dispose",
        {"organisations": ["dinkes"], "subject": "Laporan anggaran 2025"},
        "utama",
        ("organisations", "subject", "note"),
    )
    fuzz(
        lambda: f"/api/v1/requests/{disposed_request()}/extend",
        {"days": 3, "reason": "Dokumen masih dikumpulkan dari arsip."},
        "dinkes",
        ("days", "reason"),
    )
    answer_body = {
        "outcome": "not_documented",
        "answer_text": "Belum didokumentasikan.",
    }
    fuzz(
        lambda: f"/api/v1/requests/{disposed_request()}/answer",
        answer_body,
        "dinkes",
        (
            "outcome",
            "answer_text",
            "documents",
            "consequence_test",
            "holder_name",
            "cost",
        ),
    )
    fuzz(
        lambda: f"/api/v1/requests/{disposed_request()}/answer",
        {"outcome": "refused_exempt_h", "answer_text": "Dikecualikan."},
        "dinkes",
        ("consequence_test",),
    )
    fuzz(lambda: f"/api/v1/requests/{fresh_request()}/withdraw", {}, None, ("secret",))
    fuzz(
        lambda: "/api/v1/requests",
        {**a_request(), "channel": "letter"},
        "utama",
        (*a_request(), "channel", "proxy", "received_on"),
    )
    fuzz(
        lambda: "/api/v1/objections",
        objection_body,
        "utama",
        (*objection_body, "request", "request_secret", "requester_kind", "phone"),
    )

    def submitted_objection():
        limiter.reset()
        filed = client.post(
            "/api/v1/objections", json=objection_body, headers=cast.auth("utama")
        )
        return f"/api/v1/objections/{filed.get_json()['number']}/decide"

    fuzz(
        submitted_objection,
        {"decision": "rejected", "decision_text": "Tersedia."},
        "atasan",
        ("decision", "decision_text"),
    )
    fuzz(
        lambda: f"/api/v1/objections/{decided_objection()}/disputes",
        {"register_number": "009/KI/2026", "filed_on": today},
        "utama",
        ("register_number", "filed_on"),
    )
    fuzz(
        lambda: f"/api/v1/disputes/{open_dispute()}/hearings",
        {"held_on": today, "kind": "mediation", "note": "Mediasi pertama."},
        "utama",
        ("held_on", "kind", "note"),
    )
    fuzz(
        lambda: f"/api/v1/disputes/{open_dispute()}/decide",
        {
            "decision": "refused",
            "decision_number": "009/PTS/2026",
            "decided_on": today,
            "decision_text": "Ditolak.",
            "open_test": None,
        },
        "utama",
        ("decision", "decision_number", "decided_on", "decision_text", "open_test"),
    )
    assert failures == [], "\n".join(map(str, failures))


def test_officers_recording_objections_with_a_token_are_not_rate_limited(client, cast):
    """Like requests: an officer typing in the letters of one morning is not a
    spammer (the limit is per address and the office shares one)."""
    body = {
        "ground": "b",
        "reasons": REASONS,
        "name": "Budi",
        "address": "Jl. Merdeka 1",
        "identity_number": NIK,
        "email": "budi@contoh.id",
        "channel": "letter",
    }
    statuses = [
        client.post(
            "/api/v1/objections", json=body, headers=cast.auth("utama")
        ).status_code
        for _ in range(7)
    ]
    assert statuses == [201] * 7


def test_the_atasan_gets_no_more_of_the_requesters_data_through_the_objection(
    client, cast, archive
):
    """The atasan does not handle the request: /requests/<n> hides the NIK and
    contacts from them, and the workspace page names the objector only. The
    objection JSON copies the same NIK, address, phone and email to them."""
    number, secret, _test, _doc = refused_request(client, cast, archive)
    objection = object_to(client, number, secret).get_json()["number"]
    as_request = client.get(f"/api/v1/requests/{number}", headers=cast.auth("atasan"))
    assert as_request.status_code == 200 and "requester" not in as_request.get_json()
    as_objection = client.get(
        f"/api/v1/objections/{objection}", headers=cast.auth("atasan")
    )
    assert as_objection.status_code == 200
    text = str(as_objection.get_json())
    for personal in (NIK, "siti@contoh.id", "081234567890", "Veteran"):
        assert personal not in text, personal


def test_cek_status_through_the_api_is_rate_limited_like_the_form(client, archive):
    """The public log lists every number; guessing emails against them tells who
    filed what (and the notice names them). The form allows 20 checks a minute;
    the API must not allow unlimited guesses."""
    number, _secret = file_now(archive)
    statuses = {
        client.get(f"/api/v1/requests/{number}?email=tebak{i}@contoh.id").status_code
        for i in range(40)
    }
    statuses |= {
        client.get(
            f"/api/v1/requests/{number}/notice.pdf?email=tebak{i}@contoh.id"
        ).status_code
        for i in range(40)
    }
    assert 429 in statuses, statuses
