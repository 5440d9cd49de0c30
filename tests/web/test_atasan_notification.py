"""Issue 19: the atasan PPID is emailed when a consequence test awaits its
decision (recorded, or corrected before the decision); the email names the
test's number and links to it, and carries nothing of what the test is about."""

from __future__ import annotations

from tests.web.test_exemption_workflow import (  # noqa: F401  (the fixture)
    SECRET,
    decide,
    document,
    propose,
    record,
    uk_number,
)
from tests.web.test_return_reason import _give_email, _outbox


def test_the_atasan_is_emailed_when_a_test_awaits_its_decision(
    client,
    cast,
    archive,
    document,  # noqa: F811
):
    _give_email(archive, "atasan")
    _give_email(archive, "utama")
    test_id = propose(client, cast, document).get_json()["id"]
    assert _outbox(archive) == []

    assert record(client, cast, test_id).status_code == 200

    [(to, subject, body)] = _outbox(archive)
    assert to == "atasan@contoh.invalid"
    assert subject == f"Uji konsekuensi {uk_number(1)} menunggu keputusan"
    assert f"/ruang-kerja/uji/{test_id}" in body
    # Email leaves the archive: nothing of the document or the record travels.
    for secret in (SECRET, "Laporan Investigasi KLB", "rekam medis", "lampiran 3"):
        assert secret.lower() not in body.lower()


def test_a_correction_before_the_decision_is_emailed_as_such(
    client,
    cast,
    archive,
    document,  # noqa: F811
):
    _give_email(archive, "atasan")
    test_id = propose(client, cast, document).get_json()["id"]
    record(client, cast, test_id)

    assert record(client, cast, test_id, place="Pandeglang").status_code == 200

    subjects = [subject for _to, subject, _body in _outbox(archive)]
    assert (
        subjects[1] == f"Uji konsekuensi {uk_number(1)} diperbaiki, menunggu keputusan"
    )


def test_an_atasan_without_an_address_gets_nothing(
    client,
    cast,
    archive,
    document,  # noqa: F811
):
    test_id = propose(client, cast, document).get_json()["id"]

    record(client, cast, test_id)

    assert _outbox(archive) == []
