"""What the public sees of a published document changes only with the PPID
Utama's approval (issue 14 item 3): a Pelaksana's edit of its title or summary
waits like a new version does, the public keeps the approved text meanwhile, and
serta merta keeps its immediate, audited path."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dms.audit import AuditEvent
from tests.helpers import upload
from tests.web.test_auth_pages import csrf_token, log_in

APPROVED = "Laporan Keuangan 2025"
CHANGED = "Laporan Keuangan Perubahan Zamrud 2025"


@pytest.fixture
def test_config(test_config):
    return {**test_config, "queue_url": "immediate"}


@pytest.fixture
def published(client, cast) -> int:
    """A Dinkes berkala document approved by the PPID Utama."""
    document = upload(client, cast, "dinkes", title=APPROVED).get_json()["id"]
    url = f"/api/v1/documents/{document}"
    assert client.post(f"{url}/publish", headers=cast.auth("utama")).status_code == 200
    return document


def patch(client, cast, who, document, **changes):
    return client.patch(
        f"/api/v1/documents/{document}", json=changes, headers=cast.auth(who)
    )


def public_title(client, document) -> str:
    return client.get(f"/api/v1/documents/{document}").get_json()["title"]


def public_hits(client, word: str) -> int:
    return client.get("/api/v1/documents", query_string={"q": word}).get_json()["total"]


def actions(archive, document) -> list[str]:
    with archive.reading() as session:
        return list(
            session.scalars(
                select(AuditEvent.action)
                .where(
                    AuditEvent.object_type == "document",
                    AuditEvent.object_id == document,
                )
                .order_by(AuditEvent.id)
            )
        )


def test_a_pelaksanas_edit_waits_and_the_public_keeps_the_approved_text(
    client, cast, archive, published
):
    response = patch(client, cast, "dinkes", published, title=CHANGED, summary="Baru")

    assert response.status_code == 200
    staff = response.get_json()
    assert staff["title"] == APPROVED
    assert staff["pending_changes"]["fields"] == {"title": CHANGED, "summary": "Baru"}
    assert staff["pending_changes"]["by"] == "dinkes"
    assert public_title(client, published) == APPROVED
    assert (
        "pending_changes" not in client.get(f"/api/v1/documents/{published}").get_json()
    )
    assert public_hits(client, "Zamrud") == 0
    assert "document.propose_update" in actions(archive, published)


def test_the_utamas_publish_approves_the_waiting_text(client, cast, archive, published):
    patch(client, cast, "dinkes", published, title=CHANGED)

    approved = client.post(
        f"/api/v1/documents/{published}/publish", headers=cast.auth("utama")
    )

    assert approved.status_code == 200
    assert approved.get_json()["pending_changes"] is None
    assert public_title(client, published) == CHANGED
    assert public_hits(client, "Zamrud") == 1
    assert actions(archive, published)[-1] == "document.approve_update"


def test_the_utama_declines_and_the_officer_takes_changes_back(client, cast, published):
    url = f"/api/v1/documents/{published}/pending-changes"
    patch(client, cast, "dinkes", published, title=CHANGED)
    assert client.delete(url, headers=cast.auth("bpbd")).status_code in (403, 404)

    declined = client.delete(url, headers=cast.auth("utama"))

    assert declined.status_code == 200
    assert declined.get_json()["pending_changes"] is None
    assert public_title(client, published) == APPROVED
    assert client.delete(url, headers=cast.auth("utama")).status_code == 409


def test_later_edits_merge_and_an_edit_back_withdraws_the_change(
    client, cast, published
):
    patch(client, cast, "dinkes", published, title=CHANGED)
    patch(client, cast, "dinkes", published, summary="Ringkasan baru")
    both = client.get(
        f"/api/v1/documents/{published}", headers=cast.auth("dinkes")
    ).get_json()
    assert both["pending_changes"]["fields"] == {
        "title": CHANGED,
        "summary": "Ringkasan baru",
    }

    patch(client, cast, "dinkes", published, title=APPROVED, summary="")
    back = client.get(
        f"/api/v1/documents/{published}", headers=cast.auth("dinkes")
    ).get_json()
    assert back["pending_changes"] is None


def test_the_utamas_own_edit_is_public_at_once(client, cast, published):
    response = patch(client, cast, "utama", published, title=CHANGED)

    assert response.status_code == 200
    assert response.get_json()["pending_changes"] is None
    assert public_title(client, published) == CHANGED


def test_serta_merta_keeps_its_immediate_audited_path(client, cast, archive):
    body = upload(
        client, cast, "dinkes", title="Banjir Kecamatan Barat", category="serta_merta"
    ).get_json()
    assert body["status"] == "published"

    response = patch(client, cast, "dinkes", body["id"], title="Banjir Zamrud")

    assert response.get_json()["pending_changes"] is None
    assert public_title(client, body["id"]) == "Banjir Zamrud"
    assert actions(archive, body["id"])[-1] == "document.update"


def test_a_draft_changes_at_once(client, cast):
    draft = upload(client, cast, "dinkes", title=APPROVED).get_json()["id"]

    response = patch(client, cast, "dinkes", draft, title=CHANGED)

    assert response.get_json()["title"] == CHANGED
    assert response.get_json()["pending_changes"] is None


def test_the_workspace_shows_waiting_text_keeps_it_and_the_queue_approves_it(
    app, client, cast, published
):
    dinkes = app.test_client()
    assert log_in(dinkes, "dinkes").status_code == 302
    page = f"/ruang-kerja/dokumen/{published}"
    patch(client, cast, "dinkes", published, title=CHANGED)

    # Saving the form again (another field) keeps the waiting title.
    form = dinkes.get(page).get_data(as_text=True)
    assert f'value="{CHANGED}"' in form
    saved = dinkes.post(
        f"{page}/ubah",
        data={
            "csrf_token": csrf_token(dinkes, page),
            "title": CHANGED,
            "summary": "Ringkasan baru",
            "year": "",
            "info_type": "",
        },
        follow_redirects=True,
    )
    assert "menunggu persetujuan PPID Utama" in saved.get_data(as_text=True)
    assert public_title(client, published) == APPROVED

    utama = app.test_client()
    assert log_in(utama, "utama").status_code == 302
    queue = utama.get("/ruang-kerja/persetujuan").get_data(as_text=True)
    assert CHANGED in queue and "Ringkasan baru" in queue
    approved = utama.post(
        f"{page}/terbitkan",
        data={
            "csrf_token": csrf_token(utama, "/ruang-kerja/persetujuan"),
            "version": "1",
            "back": "approvals",
        },
    )
    assert approved.status_code == 302
    assert public_title(client, published) == CHANGED


def test_serta_merta_an_opd_published_or_changed_is_listed_for_review(
    app, client, cast
):
    own = upload(
        client, cast, "dinkes", title="Banjir Kecamatan Barat", category="serta_merta"
    ).get_json()["id"]
    patch(client, cast, "dinkes", own, summary="Air mulai surut")
    by_utama = upload(
        client, cast, "utama", title="Gempa Kota Mandiri", category="serta_merta"
    ).get_json()["id"]
    assert by_utama != own
    utama = app.test_client()
    assert log_in(utama, "utama").status_code == 302

    queue = utama.get("/ruang-kerja/persetujuan").get_data(as_text=True)
    review = queue[queue.index('id="tinjau-serta-merta"') :]

    assert "Banjir Kecamatan Barat" in review
    assert "metadata diubah" in review
    assert "Gempa Kota Mandiri" not in review


def test_the_queue_page_has_a_plain_title(app, cast):
    utama = app.test_client()
    assert log_in(utama, "utama").status_code == 302

    page = utama.get("/ruang-kerja/persetujuan").get_data(as_text=True)

    title = page[page.index("<title>") : page.index("</title>")]
    assert "<section" not in title and "Antrean persetujuan" in title
    assert page.count('id="tinjau-serta-merta"') == 1
