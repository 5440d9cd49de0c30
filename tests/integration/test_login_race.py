"""Parallel password guesses against the API on PostgreSQL (issue 14 item 4):
the lockout is checked and counted in one write transaction, so a burst of
wrong guesses from many addresses never gets more than the allowed tries, and
the right password after the lockout point gets no token.

SQLite serialises every writer anyway, so this runs only with
DMS_TEST_DATABASE_URL (PostgreSQL).
"""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import func, select

from dms.accounts.models import ApiToken
from dms.accounts.service import MAX_FAILED_LOGINS
from tests.conftest import CAST_PASSWORD

pytestmark = pytest.mark.skipif(
    not os.environ.get("DMS_TEST_DATABASE_URL"),
    reason="needs PostgreSQL (DMS_TEST_DATABASE_URL); SQLite serialises writers",
)
GUESSES = 60


def tokens_in(archive) -> int:
    with archive.reading() as session:
        return session.scalar(select(func.count()).select_from(ApiToken))


def guess_in_parallel(app, passwords: list[str]) -> list[tuple[int, str]]:
    """POST /api/v1/auth/token once per password, all at once, each thread from
    its own address (so the per-address limit does not serialise them)."""
    start = threading.Barrier(len(passwords))
    outcomes: list[tuple[int, str]] = []

    def guess(n: int, password: str) -> None:
        client = app.test_client()
        start.wait()
        response = client.post(
            "/api/v1/auth/token",
            json={"username": "bpbd", "password": password},
            environ_base={"REMOTE_ADDR": f"10.0.{n // 250}.{n % 250 + 1}"},
        )
        body = response.get_json()
        code = body["error"]["code"] if "error" in body else "token"
        outcomes.append((response.status_code, code))

    threads = [
        threading.Thread(target=guess, args=(n, password))
        for n, password in enumerate(passwords)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_parallel_wrong_guesses_get_no_more_than_the_allowed_tries(app, archive, cast):
    before = tokens_in(archive)

    outcomes = guess_in_parallel(app, ["salah"] * GUESSES)

    tried = [o for o in outcomes if o == (401, "unauthenticated")]
    locked = [o for o in outcomes if o == (401, "account_locked")]
    assert len(outcomes) == GUESSES
    assert len(tried) == MAX_FAILED_LOGINS, outcomes
    assert len(locked) == GUESSES - MAX_FAILED_LOGINS, outcomes
    right = app.test_client().post(
        "/api/v1/auth/token",
        json={"username": "bpbd", "password": CAST_PASSWORD},
        environ_base={"REMOTE_ADDR": "10.9.9.9"},
    )
    assert right.status_code == 401
    assert right.get_json()["error"]["code"] == "account_locked"
    assert tokens_in(archive) == before


def test_the_right_password_in_a_burst_of_wrong_ones_wins_only_before_the_lock(
    app, archive, cast
):
    """The right password sent with the 10th wrong guess: it gets a token only
    when it was admitted among the first tries, and the total of admitted tries
    (wrong ones plus the right one) never exceeds the limit."""
    before = tokens_in(archive)
    passwords = ["salah"] * 9 + [CAST_PASSWORD] + ["salah"] * 20

    outcomes = guess_in_parallel(app, passwords)

    wrong_tried = [o for o in outcomes if o == (401, "unauthenticated")]
    succeeded = [o for o in outcomes if o == (201, "token")]
    locked = [o for o in outcomes if o == (401, "account_locked")]
    assert len(wrong_tried) + len(locked) + len(succeeded) == len(passwords)
    assert len(succeeded) <= 1
    # The right password clears the count when it wins, so the wrong guesses
    # admitted at most the limit before it plus the limit after it.
    if succeeded:
        assert len(wrong_tried) <= 2 * MAX_FAILED_LOGINS - 1, outcomes
    else:
        assert len(wrong_tried) + len(succeeded) <= MAX_FAILED_LOGINS, outcomes
    assert tokens_in(archive) == before + len(succeeded)
