"""The calendar API: anyone reads it and asks due dates; only the admin edits it."""

from __future__ import annotations

from datetime import date

import holidays
import pytest
from sqlalchemy import delete, func, select

from dms import workdays as calendar
from dms.accounts.roles import SYSTEM
from dms.workdays import CalendarDay, CalendarYear

EXAMPLE = "/api/v1/calendar/due?received=2025-03-24T09:00:00%2B07:00&days=10"
LAST_IDUL_FITRI_CUTI = "/api/v1/calendar/days/2025-04-07"
A_TUESDAY = "/api/v1/calendar/days/2025-03-25"
KEMERDEKAAN_CUTI = date(2025, 8, 18)


def _due(client, received="2025-03-24", days=10) -> str:
    response = client.get(
        "/api/v1/calendar/due", query_string={"received": received, "days": days}
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()["due"]


def _stored_rows(archive) -> int:
    with archive.reading() as session:
        return session.scalar(select(func.count()).select_from(CalendarDay))


def test_the_domain_example_is_due_on_16_april_2025(client):
    response = client.get(EXAMPLE)

    assert response.status_code == 200
    assert response.get_json() == {
        "received": "2025-03-24",
        "counted_from": "2025-03-24",
        "due": "2025-04-16",
        "days": 10,
        "cuti_bersama_day_off": True,
    }


def test_with_cuti_bersama_as_working_days_the_example_is_due_on_9_april(test_config):
    from dms.web import create_app

    app = create_app({**test_config, "cuti_bersama_day_off": False})
    try:
        response = app.test_client().get(EXAMPLE)
    finally:
        app.extensions["dms"].close()

    assert response.get_json()["due"] == "2025-04-09"
    assert response.get_json()["cuti_bersama_day_off"] is False


def test_a_plain_date_and_a_saturday_receipt_are_accepted(client):
    saturday = client.get(
        "/api/v1/calendar/due", query_string={"received": "2025-03-22"}
    ).get_json()

    assert saturday["counted_from"] == "2025-03-24"
    assert saturday["due"] == "2025-04-16" and saturday["days"] == 10
    assert _due(client, "2025-03-24T20:00:00Z", 1) == "2025-03-26"  # 03:00 WIB 25th
    assert _due(client, "2025-03-24T23:00:00", 1) == "2025-03-25"  # read as WIB


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ({"received": "2025-02-30"}, "Tanggal tidak valid"),
        ({"received": "24/03/2025"}, "Tanggal tidak valid"),
        ({"received": "2025-03-24T09:00:00+25:00"}, "Waktu tidak valid"),
        ({}, "tanggal penerimaan"),
        ({"received": "2025-03-24", "days": "0"}, "harus antara 1 dan 366"),
        ({"received": "2025-03-24", "days": "367"}, "harus antara 1 dan 366"),
        ({"received": "2025-03-24", "days": "sepuluh"}, "bilangan bulat"),
        ({"received": "2101-01-01"}, "hanya mencakup tahun"),
    ],
    ids=[
        "no-such-day",
        "wrong-format",
        "bad-offset",
        "missing",
        "zero-days",
        "too-many-days",
        "days-not-a-number",
        "beyond-the-calendar",
    ],
)
def test_a_bad_due_date_question_is_a_422_in_indonesian(client, query, fragment):
    response = client.get("/api/v1/calendar/due", query_string=query)

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert fragment in error["message"]


def test_anyone_reads_the_years_calendar_and_the_setting_in_force(client):
    response = client.get("/api/v1/calendar", query_string={"year": 2025})

    body = response.get_json()
    assert response.status_code == 200
    assert (body["year"], body["cuti_bersama_day_off"]) == (2025, True)
    assert body["timezone"] == "Asia/Jakarta" and body["seeded"] is False
    days = {day["date"]: day for day in body["days"]}
    assert days["2025-04-07"] == {
        "date": "2025-04-07",
        "weekday": "Senin",
        "name": "Cuti Bersama Hari Raya Idul Fitri",
        "kind": "cuti_bersama",
        "day_off": True,
        "source": "holidays",
        "working_day": False,
        "origin": "package",
    }
    assert days["2025-03-31"]["kind"] == "national"
    assert "2025-03-29" not in days  # Nyepi on a Saturday: a weekend anyway


@pytest.mark.parametrize("year", ["dua ribu", "1969", "2101"])
def test_a_bad_year_is_a_422(client, year):
    response = client.get("/api/v1/calendar", query_string={"year": year})

    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "validation_error"


def test_the_admin_adds_a_day_off_and_the_due_date_moves(client, cast, archive):
    response = client.put(
        A_TUESDAY,
        json={"name": "Hari Jadi Provinsi", "kind": "other"},
        headers=cast.auth("admin"),
    )

    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {
        "date": "2025-03-25",
        "weekday": "Selasa",
        "name": "Hari Jadi Provinsi",
        "kind": "other",
        "day_off": True,
        "source": "admin",
        "working_day": False,
        "origin": "admin",
    }
    assert _due(client) == "2025-04-17"
    listed = client.get("/api/v1/calendar?year=2025").get_json()
    assert listed["seeded"] is True


def test_the_admin_makes_a_cuti_bersama_a_working_day_and_the_due_date_moves(
    client, cast
):
    response = client.delete(LAST_IDUL_FITRI_CUTI, headers=cast.auth("admin"))

    assert response.status_code == 200
    body = response.get_json()
    assert body["date"] == "2025-04-07" and body["working_day"] is True
    assert body["entry"]["day_off"] is False and body["entry"]["source"] == "admin"
    assert _due(client) == "2025-04-15"


def test_the_admin_restores_a_holiday_with_put_after_removing_it(client, cast):
    client.delete(LAST_IDUL_FITRI_CUTI, headers=cast.auth("admin"))

    restored = client.put(
        LAST_IDUL_FITRI_CUTI,
        json={"name": "Cuti Bersama Idul Fitri", "kind": "cuti_bersama"},
        headers=cast.auth("admin"),
    )

    assert restored.status_code == 200
    assert restored.get_json()["working_day"] is False
    assert _due(client) == "2025-04-16"


def test_removing_an_admin_added_day_deletes_it(client, cast, archive):
    client.put(A_TUESDAY, json={"name": "Libur"}, headers=cast.auth("admin"))

    response = client.delete(A_TUESDAY, headers=cast.auth("admin"))

    assert response.status_code == 200
    assert response.get_json()["entry"] is None
    assert _due(client) == "2025-04-16"


def test_removing_a_working_day_is_a_404(client, cast):
    response = client.delete(A_TUESDAY, headers=cast.auth("admin"))

    assert response.status_code == 404
    assert "bukan hari libur" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/calendar/days/2025-04-05", {"name": "Sabtu"}, "day"),
        ("/api/v1/calendar/days/2025-02-30", {"name": "x"}, "day"),
        ("/api/v1/calendar/days/besok", {"name": "x"}, "day"),
        (A_TUESDAY, {"name": ""}, "name"),
        (A_TUESDAY, {"name": 12}, "name"),
        (A_TUESDAY, {"name": "x", "kind": "daerah"}, "kind"),
        (A_TUESDAY, {"name": "x", "day_off": "ya"}, "day_off"),
    ],
)
def test_a_bad_edit_is_a_422_and_writes_nothing(
    client, cast, archive, path, body, field
):
    response = client.put(path, json=body, headers=cast.auth("admin"))

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and error["field"] == field
    assert _stored_rows(archive) == 0


def test_an_edit_without_a_json_object_is_a_400(client, cast):
    response = client.put(A_TUESDAY, data="nama", headers=cast.auth("admin"))

    assert response.status_code == 400


@pytest.mark.parametrize("username", ["utama", "dinkes", "atasan"])
def test_officers_other_than_the_admin_cannot_edit_the_calendar(
    client, cast, archive, username
):
    put = client.put(A_TUESDAY, json={"name": "x"}, headers=cast.auth(username))
    removed = client.delete(LAST_IDUL_FITRI_CUTI, headers=cast.auth(username))

    assert (put.status_code, removed.status_code) == (403, 403)
    assert put.get_json()["error"]["code"] == "forbidden"
    assert _stored_rows(archive) == 0
    assert _due(client) == "2025-04-16"


def test_an_anonymous_citizen_cannot_edit_the_calendar(client, cast, archive):
    put = client.put(A_TUESDAY, json={"name": "x"})
    removed = client.delete(LAST_IDUL_FITRI_CUTI)
    forged = client.put(
        A_TUESDAY, json={"name": "x"}, headers={"Authorization": "Bearer palsu"}
    )

    assert (put.status_code, removed.status_code, forged.status_code) == (
        401,
        401,
        401,
    )
    assert put.get_json()["error"]["code"] == "unauthenticated"
    with archive.reading() as session:
        assert session.scalar(select(func.count()).select_from(CalendarYear)) == 0


def test_a_forged_token_is_refused_even_when_reading(client):
    response = client.get(EXAMPLE, headers={"Authorization": "Bearer palsu"})

    assert response.status_code == 401


def test_the_openapi_document_describes_the_calendar(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200, response.get_json()
    paths = response.get_json()["paths"]

    assert set(paths["/calendar/days/{date}"]) == {"put", "delete"}
    assert "get" in paths["/calendar"] and "get" in paths["/calendar/due"]
    assert "403" in paths["/calendar/days/{date}"]["put"]["responses"]
    assert "403" in paths["/calendar/merge"]["post"]["responses"]


# --- merging the package's new days (issue 13 §4) ----------------------------------


def _stale_2025(archive) -> None:
    """2025 seeded by an older holidays package: without the August cuti bersama."""
    with archive.transaction() as session:
        calendar.seed_year(session, 2025, actor=SYSTEM)
        session.execute(delete(CalendarDay).where(CalendarDay.day == KEMERDEKAAN_CUTI))


def test_the_list_names_the_unmerged_days_and_warns(client, archive):
    _stale_2025(archive)

    body = client.get("/api/v1/calendar?year=2025").get_json()

    assert body["seeded"] is True and body["unmerged"] == ["2025-08-18"]
    assert body["holidays_version"] == holidays.__version__
    (warning,) = body["warnings"]
    assert "2025-08-18" in warning
    assert client.get("/api/v1/calendar?year=2024").get_json()["warnings"] == []


def test_the_admin_merges_the_new_day_and_keeps_the_correction(client, cast, archive):
    _stale_2025(archive)
    client.delete(LAST_IDUL_FITRI_CUTI, headers=cast.auth("admin"))
    assert _due(client, "2025-08-11") == "2025-08-25"

    response = client.post(
        "/api/v1/calendar/merge", json={"year": 2025}, headers=cast.auth("admin")
    )

    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {
        "year": 2025,
        "added": ["2025-08-18"],
        "admin_kept": ["2025-04-07"],
        "not_in_package": [],
    }
    assert _due(client, "2025-08-11") == "2025-08-26"
    assert _due(client) == "2025-04-15"  # 7 Apr stays a working day
    days = {
        day["date"]: day
        for day in client.get("/api/v1/calendar?year=2025").get_json()["days"]
    }
    assert days["2025-04-07"]["origin"] == "admin_override"
    assert days["2025-08-18"]["origin"] == "package"


@pytest.mark.parametrize("username", ["utama", "atasan", None])
def test_only_the_admin_may_merge(client, cast, archive, username):
    headers = cast.auth(username) if username else {}

    response = client.post(
        "/api/v1/calendar/merge", json={"year": 2025}, headers=headers
    )

    assert response.status_code == (403 if username else 401)
    assert _stored_rows(archive) == 0


@pytest.mark.parametrize("body", [{"year": "2025"}, {"year": 2101}, {}, {"year": True}])
def test_a_bad_merge_year_is_a_422_and_writes_nothing(client, cast, archive, body):
    response = client.post(
        "/api/v1/calendar/merge", json=body, headers=cast.auth("admin")
    )

    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["field"] == "year"
    assert _stored_rows(archive) == 0
