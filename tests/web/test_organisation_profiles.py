"""An organisation's PPID profile: who may change it, what the public reads,
and that every change lands in the audit trail."""

from __future__ import annotations

from sqlalchemy import select

from dms.audit import AuditEvent
from tests.helpers import upload

PROFILE = {
    "address": "Jl. Kesehatan No. 1, Kota Mandiri",
    "phone": "(0254) 123456",
    "email": "ppid@dinkes.example.go.id",
    "website": "https://dinkes.example.go.id",
    "service_hours": "Senin–Jumat 08.00–16.00",
    "officers": [
        {"name": "Dr. Contoh Satu", "position": "Atasan PPID"},
        {"name": "Contoh Dua, S.Kom.", "position": "PPID Pelaksana"},
    ],
    "maklumat": "Kami siap melayani permohonan informasi publik.",
    "service_standard": "Jawaban paling lambat 10 hari kerja.",
    "fees": "Tanpa biaya; salinan cetak Rp0.",
    "dispute_procedure": "Keberatan kepada atasan PPID, lalu Komisi Informasi.",
}


def _put(client, cast, username, slug, body):
    return client.put(
        f"/api/v1/organisations/{slug}", json=body, headers=cast.auth(username)
    )


def _published(client, cast, org, **fields):
    """A document of `org`, published by the PPID Utama (a Pelaksana's waits)."""
    response = upload(client, cast, "utama", publish="true", org=org, **fields)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_a_pelaksana_edits_its_own_profile_and_anyone_reads_it(client, cast):
    response = _put(client, cast, "dinkes", "dinkes", PROFILE)

    assert response.status_code == 200, response.get_json()
    public = client.get("/api/v1/organisations/dinkes").get_json()
    for name, value in PROFILE.items():
        assert public[name] == value
    assert public["name"] == "Dinas Kesehatan"


def test_a_pelaksana_may_not_edit_another_organisations_profile(client, cast):
    response = _put(client, cast, "bpbd", "dinkes", {"phone": "000"})

    assert response.status_code == 403
    assert client.get("/api/v1/organisations/dinkes").get_json()["phone"] == ""


def test_the_utama_and_the_admin_edit_every_profile(client, cast):
    assert _put(client, cast, "utama", "bpbd", {"phone": "111"}).status_code == 200
    assert _put(client, cast, "admin", "bpbd", {"email": "a@b.id"}).status_code == 200

    profile = client.get("/api/v1/organisations/bpbd").get_json()
    assert (profile["phone"], profile["email"]) == ("111", "a@b.id")


def test_only_sent_fields_change(client, cast):
    _put(client, cast, "dinkes", "dinkes", PROFILE)

    _put(client, cast, "dinkes", "dinkes", {"phone": "222"})

    profile = client.get("/api/v1/organisations/dinkes").get_json()
    assert profile["phone"] == "222"
    assert profile["address"] == PROFILE["address"]


def test_an_anonymous_or_unknown_edit_is_refused(client, cast):
    assert client.put("/api/v1/organisations/dinkes", json={}).status_code == 401
    assert _put(client, cast, "utama", "tidak-ada", {}).status_code == 404


def test_a_bad_field_is_refused_naming_it_and_nothing_changes(client, cast):
    bad = {"address": "Jalan Baru", "officers": [{"name": "Tanpa Jabatan"}]}

    response = _put(client, cast, "dinkes", "dinkes", bad)

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["field"] == "officers"
    assert "nama dan jabatan" in error["message"]
    assert client.get("/api/v1/organisations/dinkes").get_json()["address"] == ""


def test_a_bad_email_or_website_is_refused(client, cast):
    for body in ({"email": "bukan-email"}, {"website": "javascript:alert(1)"}):
        response = _put(client, cast, "dinkes", "dinkes", body)
        assert response.status_code == 422
        assert response.get_json()["error"]["field"] == next(iter(body))


def test_the_sk_ppid_and_sops_are_published_documents_of_the_organisation(client, cast):
    sk = _published(client, cast, "dinkes", title="SK PPID Dinas Kesehatan")
    sop = _published(client, cast, "dinkes", title="SOP Layanan Informasi")
    other = _published(client, cast, "bpbd", title="SK PPID BPBD")

    ok = _put(
        client,
        cast,
        "dinkes",
        "dinkes",
        {"sk_ppid_document_id": sk, "sop_document_ids": [sop]},
    )
    foreign = _put(client, cast, "dinkes", "dinkes", {"sk_ppid_document_id": other})

    assert ok.status_code == 200, ok.get_json()
    profile = client.get("/api/v1/organisations/dinkes").get_json()
    assert profile["sk_ppid"] == {"id": sk, "title": "SK PPID Dinas Kesehatan"}
    assert profile["sops"] == [{"id": sop, "title": "SOP Layanan Informasi"}]
    assert foreign.status_code == 422
    assert foreign.get_json()["error"]["field"] == "sk_ppid_document_id"


def test_a_draft_cannot_be_named_as_the_sk_ppid(client, cast):
    draft = upload(client, cast, "dinkes", publish="false").get_json()["id"]

    response = _put(client, cast, "dinkes", "dinkes", {"sk_ppid_document_id": draft})

    assert response.status_code == 422
    assert "belum terbit" in response.get_json()["error"]["message"]


def test_every_profile_change_is_audited_with_before_and_after(client, cast, archive):
    _put(client, cast, "dinkes", "dinkes", {"phone": "111"})
    _put(client, cast, "dinkes", "dinkes", {"phone": "222"})

    with archive.reading() as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "organisation.profile")
            .order_by(AuditEvent.id)
        ).all()
    assert [(e.actor_username, e.before, e.after) for e in events] == [
        ("dinkes", {"phone": ""}, {"phone": "111"}),
        ("dinkes", {"phone": "111"}, {"phone": "222"}),
    ]


def test_saving_the_same_values_again_records_no_event(client, cast, archive):
    _put(client, cast, "dinkes", "dinkes", PROFILE)
    _put(client, cast, "dinkes", "dinkes", {**PROFILE, "phone": "333"})

    with archive.reading() as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "organisation.profile")
            .order_by(AuditEvent.id)
        ).all()
    assert len(events) == 2
    assert events[1].after == {"phone": "333"}
