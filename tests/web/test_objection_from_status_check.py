"""Issue 19: a citizen who checks a request's status by number and email (Cek
Status, without the status link) can file an objection from there: the form is
prefilled with the request's number and asks for no key; the objection rules
(grounds arisen, within 30 working days) still apply."""

from __future__ import annotations

import re

from sqlalchemy import select

from dms.requests.models import Objection
from tests.web.test_auth_pages import csrf_token
from tests.web.test_objections import refused_request
from tests.web.test_request_workflow import file_now

EMAIL = "siti@contoh.id"  # the email tests.requests_helpers.a_request files with


def _check(browser, number: str, email: str = EMAIL):
    return browser.post(
        "/permohonan/cek",
        data={
            "csrf_token": csrf_token(browser, "/permohonan/cek"),
            "number": number,
            "email": email,
        },
    )


def _object(browser, number: str, ground: str = "a", **extra):
    form = browser.get(f"/keberatan?permohonan={number}").get_data(as_text=True)
    first, second = re.search(r"Berapakah (\d+) ditambah (\d+)\?", form).groups()
    return browser.post(
        "/keberatan",
        data={
            "csrf_token": csrf_token(browser, f"/keberatan?permohonan={number}"),
            "challenge_token": re.search(
                r'name="challenge_token" value="([^"]+)"', form
            ).group(1),
            "challenge_answer": str(int(first) + int(second)),
            "request": number,
            "ground": ground,
            "reasons": "Saya keberatan atas penolakan ini.",
            **extra,
        },
    )


def _objections(archive) -> list[tuple[str, str]]:
    """Every objection as (its request's number, the objector's email)."""
    with archive.reading() as session:
        return [(o.request.number, o.email) for o in session.scalars(select(Objection))]


def test_a_citizen_who_checked_by_email_files_an_objection_from_the_status_page(
    app, client, cast, archive
):
    number, _secret, _test, _doc = refused_request(client, cast, archive)
    citizen = app.test_client()
    assert _check(citizen, number).status_code == 303

    status = citizen.get(f"/permohonan/status/{number}").get_data(as_text=True)
    form = citizen.get(f"/keberatan?permohonan={number}").get_data(as_text=True)
    sent = _object(citizen, number)

    assert f'href="/keberatan?permohonan={number}"' in status
    assert f'value="{number}"' in form
    assert 'name="kunci"' not in form
    assert sent.status_code == 303, sent.get_data(as_text=True)[:2000]
    assert _objections(archive) == [(number, EMAIL)]


def test_without_the_check_a_browser_still_needs_the_key(app, client, cast, archive):
    number, _secret, _test, _doc = refused_request(client, cast, archive)
    stranger = app.test_client()

    form = stranger.get(f"/keberatan?permohonan={number}").get_data(as_text=True)
    refused = _object(stranger, number)

    assert 'name="kunci"' in form
    assert refused.status_code == 422
    assert "kunci status permohonan" in refused.get_data(as_text=True)
    assert _objections(archive) == []


def test_a_wrong_email_opens_nothing_to_object_to(app, client, cast, archive):
    number, _secret, _test, _doc = refused_request(client, cast, archive)
    stranger = app.test_client()

    assert _check(stranger, number, "orang-lain@contoh.id").status_code == 404
    assert _object(stranger, number).status_code == 422
    assert _objections(archive) == []


def test_the_objection_rules_still_apply_after_an_email_check(app, archive):
    number, _secret = file_now(archive)  # not answered yet: ground a has not arisen
    citizen = app.test_client()
    _check(citizen, number)

    refused = _object(citizen, number, ground="a")

    assert refused.status_code == 422
    assert "belum dijawab" in refused.get_data(as_text=True)
    assert _objections(archive) == []


def test_the_api_files_an_objection_with_the_request_email(client, cast, archive):
    from tests.web.test_objections import api_guards

    number, _secret, _test, _doc = refused_request(client, cast, archive)
    body = {
        **api_guards(client),
        "request": number,
        "ground": "a",
        "reasons": "Informasi ini menyangkut kepentingan publik.",
    }

    wrong = client.post(
        "/api/v1/objections",
        json={**body, "request_email": "orang-lain@contoh.id"},
    )
    filed = client.post(
        "/api/v1/objections",
        json={**body, **api_guards(client), "request_email": EMAIL},
    )

    assert wrong.status_code == 404
    assert filed.status_code == 201, filed.get_json()
    assert _objections(archive) == [(number, EMAIL)]
