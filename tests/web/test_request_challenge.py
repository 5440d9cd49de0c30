"""Issue 14 item 7: one solved spam challenge admits one submission (form, API
and objections alike), and the API hands out the question as text, not as two
numbers. The challenge stays answerable without JavaScript or a third party."""

from __future__ import annotations

import os
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from dms.db import utcnow
from dms.requests.models import Objection, UsedChallenge
from tests.helpers import post_multipart
from tests.requests_helpers import a_request, answer_to
from tests.web.test_objections import api_guards, refused_request
from tests.web.test_request_pages import form_guards, requests_in


def used_challenges(archive) -> int:
    with archive.reading() as session:
        return session.scalar(select(func.count()).select_from(UsedChallenge))


def test_one_solved_form_challenge_files_one_request(client, archive):
    guards = form_guards(client)

    sent = [
        post_multipart(client, "/permohonan", {**guards, **a_request()})
        for _ in range(3)
    ]

    assert [s.status_code for s in sent] == [303, 422, 422]
    again = sent[1].get_data(as_text=True)
    assert "sudah dipakai untuk satu pengajuan" in again
    assert requests_in(archive) == 1
    # The page shown again carries a new challenge that works.
    assert 'name="challenge_token"' in again
    assert used_challenges(archive) == 1


def test_one_solved_api_challenge_files_one_request(client, archive):
    guards = api_guards(client)

    first = client.post("/api/v1/requests", json={**a_request(), **guards})
    second = client.post("/api/v1/requests", json={**a_request(), **guards})

    assert first.status_code == 201, first.get_json()
    assert second.status_code == 422
    assert second.get_json()["error"]["field"] == "challenge_answer"
    assert requests_in(archive) == 1


def test_the_api_challenge_is_a_question_in_text_not_two_numbers(client):
    found = client.get("/api/v1/requests/challenge").get_json()

    assert set(found) == {"question", "token", "expires_in"}
    assert found["question"].startswith("Berapakah ")
    filed = client.post(
        "/api/v1/requests",
        json={
            **a_request(),
            "challenge_token": found["token"],
            "challenge_answer": answer_to(found["question"]),
        },
    )
    assert filed.status_code == 201, filed.get_json()


def test_a_refused_submission_does_not_spend_its_challenge(client, archive):
    guards = api_guards(client)

    bad = client.post(
        "/api/v1/requests", json={**a_request(email="siti(at)contoh"), **guards}
    )
    fixed = client.post("/api/v1/requests", json={**a_request(), **guards})

    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "email"
    assert fixed.status_code == 201, fixed.get_json()
    assert requests_in(archive) == 1


def test_a_form_error_after_the_challenge_leaves_no_used_challenge(client, archive):
    refused = post_multipart(
        client,
        "/permohonan",
        {**form_guards(client), **a_request(identity_number="12345")},
    )

    assert refused.status_code == 422
    assert used_challenges(archive) == 0
    assert requests_in(archive) == 0
    assert list(archive.storage.keys()) == []


def test_one_solved_challenge_files_one_objection(client, cast, archive):
    number, secret, _test, _doc = refused_request(client, cast, archive)
    guards = api_guards(client)
    body = {
        "request": number,
        "request_secret": secret,
        "ground": "a",
        "reasons": "Saya keberatan atas penolakan ini.",
        **guards,
    }

    first = client.post("/api/v1/objections", json=body)
    second = client.post("/api/v1/objections", json=body)

    assert first.status_code == 201, first.get_json()
    assert second.status_code == 422
    assert second.get_json()["error"]["field"] == "challenge_answer"
    with archive.reading() as session:
        assert session.scalar(select(func.count()).select_from(Objection)) == 1


def test_used_challenges_are_forgotten_once_they_expire(client, archive):
    with archive.transaction() as session:
        session.add(UsedChallenge(nonce="lama", expires_at=utcnow() - timedelta(1)))
        session.add(UsedChallenge(nonce="baru", expires_at=utcnow() + timedelta(1)))

    filed = client.post("/api/v1/requests", json={**a_request(), **api_guards(client)})

    assert filed.status_code == 201
    with archive.reading() as session:
        kept = set(session.scalars(select(UsedChallenge.nonce)))
    assert "lama" not in kept and "baru" in kept and len(kept) == 2


@pytest.mark.skipif(
    not os.environ.get("DMS_TEST_DATABASE_URL"),
    reason="needs PostgreSQL (DMS_TEST_DATABASE_URL); SQLite serialises writers",
)
def test_parallel_submissions_with_one_challenge_file_one_request(app, archive):
    guards = api_guards(app.test_client())
    start = threading.Barrier(8)
    statuses: list[int] = []

    def submit(n: int) -> None:
        client = app.test_client()
        start.wait()
        response = client.post(
            "/api/v1/requests",
            json={**a_request(), **guards},
            environ_base={"REMOTE_ADDR": f"10.2.0.{n + 1}"},
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [201] + [422] * 7, statuses
    assert requests_in(archive) == 1
