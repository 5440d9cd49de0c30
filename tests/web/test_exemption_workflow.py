"""The exemption workflow through the API (DOMAIN.md §3): one test per transition,
and every refused one (wrong role, wrong organisation, wrong state, missing
fields). A document never becomes dikecualikan without an approved test."""

from __future__ import annotations

import io

import pytest
from pdfminer.high_level import extract_text

from dms.audit import AuditEvent
from dms.documents.consequence_tests import ConsequenceTest
from dms.errors import Conflict
from tests.helpers import a_pdf, local_today, post_multipart, upload

SECRET = "Rekam medis pasien Budi Santoso, NIK 3604012345670001"


def uk_number(n: int) -> str:
    """The n-th consequence test number of the archive's current year."""
    return f"UK-{local_today().year}-{n:04d}"


def a_record(**changes) -> dict:
    record = {
        "test_date": local_today().isoformat(),
        "place": "Serang",
        "specific_information": "Nama dan riwayat penyakit pasien dalam lampiran 3",
        "source_documents": "Laporan investigasi KLB 2026, lampiran 3",
        "ground_letter": "h",
        "ground_subitem": "2",
        "other_statute": "UU 17/2023 tentang Kesehatan Pasal 4",
        "consequence_if_opened": "Rahasia pribadi pasien terungkap.",
        "consequence_if_closed": "Ringkasan KLB tetap diumumkan tanpa data pribadi.",
        "decision": "exempt_whole",
        "period": {"kind": "duration", "value": "P5Y"},
        "participants": ["Kepala Diskominfo (PPID Utama)", "Kepala Dinkes"],
    }
    record.update(changes)
    return record


@pytest.fixture
def document(client, cast):
    """A published setiap saat document of Dinkes, with a secret in its text."""
    response = upload(
        client,
        cast,
        "dinkes",
        title="Laporan Investigasi KLB Diare",
        category="setiap_saat",
        content=a_pdf(SECRET),
        summary="Lampiran memuat " + SECRET,
    )
    document_id = response.get_json()["id"]
    published = client.post(
        f"/api/v1/documents/{document_id}/publish", headers=cast.auth("utama")
    )
    assert published.status_code == 200
    return document_id


def propose(client, cast, document_id, who="dinkes", **body):
    body = {"reason": "Memuat rekam medis pasien", **body}
    return client.post(
        f"/api/v1/documents/{document_id}/consequence-tests",
        json=body,
        headers=cast.auth(who),
    )


def record(client, cast, test_id, who="utama", **changes):
    return client.put(
        f"/api/v1/consequence-tests/{test_id}/record",
        json=a_record(**changes),
        headers=cast.auth(who),
    )


def decide(client, cast, test_id, verb, who="atasan", note="Disetujui"):
    return client.post(
        f"/api/v1/consequence-tests/{test_id}/{verb}",
        json={"note": note},
        headers=cast.auth(who),
    )


def recorded_test(client, cast, document_id, **changes) -> int:
    test_id = propose(client, cast, document_id).get_json()["id"]
    assert record(client, cast, test_id, **changes).status_code == 200
    return test_id


def public_view(client, document_id) -> int:
    return client.get(f"/api/v1/documents/{document_id}").status_code


# --- propose ---------------------------------------------------------------------


def test_a_pelaksana_proposes_an_exemption_for_its_own_document(client, cast, document):
    response = propose(client, cast, document)
    assert response.status_code == 201
    test = response.get_json()
    assert test["state"] == "proposed"
    assert test["number"] is None
    assert test["category_before"] == "setiap_saat"
    # A proposal changes nothing for the public.
    assert public_view(client, document) == 200


def test_the_ppid_utama_may_propose_for_any_organisation(client, cast, document):
    assert propose(client, cast, document, who="utama").status_code == 201


def test_another_organisation_may_not_propose(client, cast, document):
    assert propose(client, cast, document, who="bpbd").status_code == 403


def test_the_atasan_and_the_admin_do_not_propose(client, cast, document):
    assert propose(client, cast, document, who="atasan").status_code == 403
    assert propose(client, cast, document, who="admin").status_code == 403


def test_an_anonymous_caller_may_not_propose(client, document):
    response = client.post(
        f"/api/v1/documents/{document}/consequence-tests", json={"reason": "x"}
    )
    assert response.status_code == 401


def test_a_proposal_needs_a_reason(client, cast, document):
    response = propose(client, cast, document, reason="  ")
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "reason"


def test_a_second_open_proposal_for_one_document_is_refused(client, cast, document):
    assert propose(client, cast, document).status_code == 201
    assert propose(client, cast, document, who="utama").status_code == 409


# --- record ----------------------------------------------------------------------


def test_the_ppid_utama_records_the_test_and_it_gets_a_number(client, cast, document):
    test_id = propose(client, cast, document).get_json()["id"]
    response = record(client, cast, test_id)
    assert response.status_code == 200
    test = response.get_json()
    assert test["state"] == "recorded"
    assert test["number"] == uk_number(1)
    assert test["record"]["ground_letter"] == "h"
    assert test["record"]["participants"][0].startswith("Kepala Diskominfo")
    # Still not exempt: only the approval makes it so.
    assert public_view(client, document) == 200


def test_numbers_follow_each_other_within_a_year(client, cast, document):
    other = upload(client, cast, "dinkes", title="Dokumen kedua").get_json()["id"]
    first = recorded_test(client, cast, document)
    second = recorded_test(client, cast, other)
    numbers = [
        client.get(
            f"/api/v1/consequence-tests/{t}", headers=cast.auth("utama")
        ).get_json()["number"]
        for t in (first, second)
    ]
    assert numbers == [uk_number(1), uk_number(2)]


def test_only_the_ppid_utama_records(client, cast, document):
    test_id = propose(client, cast, document).get_json()["id"]
    assert record(client, cast, test_id, who="dinkes").status_code == 403
    assert record(client, cast, test_id, who="atasan").status_code == 403


@pytest.mark.parametrize(
    "field, value",
    [
        ("place", ""),
        ("specific_information", ""),
        ("source_documents", " "),
        ("consequence_if_opened", ""),
        ("consequence_if_closed", ""),
        ("test_date", "20-11-2026"),
        ("decision", "maybe"),
        ("ground_letter", "k"),
        ("participants", []),
        ("period", None),
    ],
)
def test_a_record_with_a_missing_or_bad_field_is_refused(
    client, cast, document, field, value
):
    test_id = propose(client, cast, document).get_json()["id"]
    response = record(client, cast, test_id, **{field: value})
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == field
    stored = client.get(
        f"/api/v1/consequence-tests/{test_id}", headers=cast.auth("utama")
    ).get_json()
    assert stored["state"] == "proposed" and stored["number"] is None


def test_ground_h_needs_its_sub_item_and_ground_j_its_statute(client, cast, document):
    test_id = propose(client, cast, document).get_json()["id"]
    response = record(client, cast, test_id, ground_subitem="")
    assert response.get_json()["error"]["field"] == "ground_subitem"
    response = record(client, cast, test_id, ground_letter="j", other_statute="")
    assert response.get_json()["error"]["field"] == "other_statute"


def test_an_indefinite_period_is_only_for_grounds_g_to_j(client, cast, document):
    test_id = propose(client, cast, document).get_json()["id"]
    indefinite = {"kind": "indefinite"}
    response = record(
        client, cast, test_id, ground_letter="a", ground_subitem="1", period=indefinite
    )
    assert response.status_code == 422
    assert record(client, cast, test_id, period=indefinite).status_code == 200


def test_a_limited_ground_closes_for_at_most_thirty_years(client, cast, document):
    test_id = propose(client, cast, document).get_json()["id"]
    too_long = {"kind": "duration", "value": "P31Y"}
    response = record(
        client, cast, test_id, ground_letter="b", ground_subitem="", period=too_long
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "period"


def test_a_recorded_test_may_be_corrected_before_the_decision(client, cast, document):
    test_id = recorded_test(client, cast, document)
    response = record(client, cast, test_id, place="Pandeglang")
    assert response.status_code == 200
    assert response.get_json()["record"]["place"] == "Pandeglang"
    assert response.get_json()["number"] == uk_number(1)


# --- approve and reject ----------------------------------------------------------


def test_the_atasan_approves_and_the_document_becomes_exempt(client, cast, document):
    test_id = recorded_test(client, cast, document)
    response = decide(client, cast, test_id, "approve")
    assert response.status_code == 200
    test = response.get_json()
    assert test["state"] == "approved"
    assert test["exemption"]["status"] == "active"
    assert test["exemption"]["expires_on"] is not None
    staff = client.get(f"/api/v1/documents/{document}", headers=cast.auth("utama"))
    assert staff.get_json()["category"] == "dikecualikan"
    assert staff.get_json()["status"] == "withdrawn"
    assert public_view(client, document) == 404
    assert client.get(f"/api/v1/documents/{document}/download").status_code == 404


def test_only_the_atasan_approves_or_rejects(client, cast, document):
    test_id = recorded_test(client, cast, document)
    for who in ("utama", "dinkes", "admin"):
        assert decide(client, cast, test_id, "approve", who=who).status_code in (
            403,
            404,
        )
        assert decide(client, cast, test_id, "reject", who=who).status_code in (
            403,
            404,
        )
    assert public_view(client, document) == 200


def test_a_test_not_yet_recorded_cannot_be_approved(client, cast, document):
    test_id = propose(client, cast, document).get_json()["id"]
    assert decide(client, cast, test_id, "approve").status_code == 409
    assert decide(client, cast, test_id, "reject").status_code == 409
    assert public_view(client, document) == 200


def test_the_atasan_rejects_with_a_reason_and_nothing_changes(client, cast, document):
    test_id = recorded_test(client, cast, document)
    assert decide(client, cast, test_id, "reject", note="").status_code == 422
    response = decide(client, cast, test_id, "reject", note="Kepentingan publik")
    assert response.status_code == 200
    assert response.get_json()["state"] == "rejected"
    assert public_view(client, document) == 200
    # A rejected test is final; a new proposal may follow.
    assert decide(client, cast, test_id, "approve").status_code == 409
    assert propose(client, cast, document).status_code == 201


def test_a_decision_of_not_exempt_leaves_the_document_public(client, cast, document):
    test_id = recorded_test(
        client, cast, document, decision="not_exempt", period=None, ground_letter=None
    )
    assert decide(client, cast, test_id, "approve").status_code == 200
    assert public_view(client, document) == 200


def test_decided_tests_cannot_be_recorded_again_or_cancelled(client, cast, document):
    test_id = recorded_test(client, cast, document)
    decide(client, cast, test_id, "approve")
    assert record(client, cast, test_id, place="Lebak").status_code == 409
    cancel = client.post(
        f"/api/v1/consequence-tests/{test_id}/cancel", headers=cast.auth("utama")
    )
    assert cancel.status_code == 409


def test_a_decided_test_is_immutable_even_inside_the_code(
    archive, client, cast, document
):
    test_id = recorded_test(client, cast, document)
    decide(client, cast, test_id, "approve")
    with pytest.raises(Conflict), archive.transaction() as session:
        session.get(ConsequenceTest, test_id).consequence_if_opened = "diubah"
    with archive.reading() as session:
        test = session.get(ConsequenceTest, test_id)
        assert test.consequence_if_opened == "Rahasia pribadi pasien terungkap."


# --- cancel ----------------------------------------------------------------------


def test_the_proposer_cancels_an_open_proposal(client, cast, document):
    test_id = propose(client, cast, document).get_json()["id"]
    other = client.post(
        f"/api/v1/consequence-tests/{test_id}/cancel", headers=cast.auth("bpbd")
    )
    assert other.status_code == 404
    response = client.post(
        f"/api/v1/consequence-tests/{test_id}/cancel", headers=cast.auth("dinkes")
    )
    assert response.status_code == 200
    assert response.get_json()["state"] == "cancelled"
    assert propose(client, cast, document).status_code == 201


# --- partial exemption -----------------------------------------------------------


def attach(client, cast, test_id, who="utama", text="Laporan KLB [DIHITAMKAN]"):
    form = {"file": (io.BytesIO(a_pdf(text)), "publik.pdf"), "title": ""}
    return post_multipart(
        client,
        f"/api/v1/consequence-tests/{test_id}/redacted-version",
        form,
        cast.auth(who),
    )


def test_a_partial_exemption_needs_its_redacted_version_first(client, cast, document):
    test_id = recorded_test(client, cast, document, decision="exempt_part")
    assert decide(client, cast, test_id, "approve").status_code == 409
    assert attach(client, cast, test_id, who="dinkes").status_code == 403
    response = attach(client, cast, test_id)
    assert response.status_code == 201
    redacted = response.get_json()
    assert redacted["status"] == "draft"
    assert redacted["title"] == "Laporan Investigasi KLB Diare (versi publik)"
    assert redacted["redacted"] is True
    # Not public before the decision.
    assert public_view(client, redacted["id"]) == 404


def test_the_redacted_version_is_public_while_the_original_stays_closed(
    client, cast, document
):
    test_id = recorded_test(client, cast, document, decision="exempt_part")
    redacted_id = attach(client, cast, test_id).get_json()["id"]
    assert decide(client, cast, test_id, "approve").status_code == 200

    assert public_view(client, document) == 404
    public = client.get(f"/api/v1/documents/{redacted_id}").get_json()
    assert public["status"] == "published" and public["redacted"] is True
    assert "redacted_from" not in public  # the original's id stays with staff
    body = client.get(f"/api/v1/documents/{redacted_id}/download").data
    assert b"DIHITAMKAN" in extract_text(io.BytesIO(body)).encode()
    listing = client.get("/api/v1/documents?per_page=100").get_json()
    assert [item["id"] for item in listing["items"]] == [redacted_id]
    assert SECRET not in str(listing)
    staff = client.get(
        f"/api/v1/documents/{redacted_id}", headers=cast.auth("dinkes")
    ).get_json()
    assert staff["redacted_from"] == document


def test_a_redacted_version_only_for_a_partial_decision(client, cast, document):
    test_id = recorded_test(client, cast, document)
    assert attach(client, cast, test_id).status_code == 409


# --- who sees tests --------------------------------------------------------------


def test_tests_are_seen_only_by_those_who_see_the_closed_content(
    client, cast, document
):
    test_id = propose(client, cast, document).get_json()["id"]
    url = f"/api/v1/consequence-tests/{test_id}"
    assert client.get(url).status_code == 404
    assert client.get(url, headers=cast.auth("bpbd")).status_code == 404
    assert client.get(url, headers=cast.auth("admin")).status_code == 404
    for who in ("dinkes", "utama", "atasan"):
        assert client.get(url, headers=cast.auth(who)).status_code == 200
    listing = client.get("/api/v1/consequence-tests", headers=cast.auth("bpbd"))
    assert listing.get_json()["total"] == 0
    listing = client.get(
        "/api/v1/consequence-tests?state=proposed", headers=cast.auth("atasan")
    )
    assert [t["id"] for t in listing.get_json()["items"]] == [test_id]


# --- renewal and opening ---------------------------------------------------------


def test_a_renewing_test_supersedes_the_one_in_force(client, cast, document):
    first = recorded_test(client, cast, document)
    decide(client, cast, first, "approve")
    second = recorded_test(client, cast, document, place="Lebak")
    response = decide(client, cast, second, "approve")
    assert response.get_json()["supersedes"] == first
    old = client.get(
        f"/api/v1/consequence-tests/{first}", headers=cast.auth("utama")
    ).get_json()
    assert old["exemption"]["status"] == "superseded"
    assert old["state"] == "approved"
    assert public_view(client, document) == 404


def test_a_komisi_informasi_decision_opens_the_document(client, cast, document):
    test_id = recorded_test(client, cast, document)
    decide(client, cast, test_id, "approve")
    url = f"/api/v1/consequence-tests/{test_id}/open"
    body = {"authority": "komisi_informasi", "decided_on": "2026-11-22"}
    refused = client.post(url, json=body, headers=cast.auth("utama"))
    assert refused.status_code == 422  # the decision's number is required
    body["reference"] = "Putusan KI Banten No. 012/XI/KI-BTN-PS/2026"
    assert client.post(url, json=body, headers=cast.auth("dinkes")).status_code == 403
    response = client.post(url, json=body, headers=cast.auth("utama"))
    assert response.status_code == 200
    exemption = response.get_json()["exemption"]
    assert exemption["status"] == "opened"
    assert exemption["end_reference"].startswith("Putusan KI Banten")
    public = client.get(f"/api/v1/documents/{document}").get_json()
    assert public["category"] == "setiap_saat" and public["status"] == "published"
    again = client.post(url, json=body, headers=cast.auth("utama"))
    assert again.status_code == 409


# --- penetapan and audit ---------------------------------------------------------


def test_the_penetapan_is_generated_from_the_approved_record(client, cast, document):
    test_id = recorded_test(client, cast, document)
    url = f"/api/v1/consequence-tests/{test_id}/penetapan.pdf"
    assert client.get(url, headers=cast.auth("utama")).status_code == 409
    decide(client, cast, test_id, "approve")
    assert client.get(url).status_code == 404
    response = client.get(url, headers=cast.auth("utama"))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = " ".join(extract_text(io.BytesIO(response.data)).split())
    for expected in (
        uk_number(1),
        "PPID Utama",
        "Pasal 17 huruf h angka 2",
        "Laporan Investigasi KLB Diare",
        "Serang",
        "Disetujui oleh atasan PPID: atasan",
        "Dinas Kesehatan",
    ):
        assert expected in text


def test_every_step_is_in_the_audit_trail(archive, client, cast, document):
    test_id = recorded_test(client, cast, document)
    decide(client, cast, test_id, "approve")
    with archive.reading() as session:
        events = session.query(AuditEvent).order_by(AuditEvent.id).all()
        actions = [(e.action, e.actor_username) for e in events]
    assert ("test.propose", "dinkes") in actions
    assert ("test.record", "utama") in actions
    assert ("test.approve", "atasan") in actions
    assert ("document.classify", "atasan") in actions


def test_metadata_edits_still_cannot_make_a_document_exempt(client, cast, document):
    response = client.patch(
        f"/api/v1/documents/{document}",
        json={"category": "dikecualikan"},
        headers=cast.auth("utama"),
    )
    assert response.status_code == 409
    assert public_view(client, document) == 200
