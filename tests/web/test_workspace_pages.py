"""The officers' workspace in the browser, without JavaScript: upload through the
plain form, versions, the approval queue, exemptions from proposal to penetapan,
and what each role may open."""

from __future__ import annotations

import io
import re

from dms.documents.models import Document, DocumentVersion
from tests.helpers import a_pdf, local_today, post_multipart, upload
from tests.web.test_auth_pages import csrf_token


def form_upload(browser, *, action="draft", file=True, **fields):
    data = {
        "csrf_token": csrf_token(browser, "/ruang-kerja/unggah"),
        "title": "Laporan Realisasi Anggaran 2025",
        "category": "berkala",
        "year": "2025",
        "summary": "Realisasi anggaran semester pertama.",
        "info_type": "laporan keuangan",
        "dip_unit": "Subbagian Keuangan",
        "dip_responsible": "Kepala Dinas",
        "dip_production_time": "Juli 2025",
        "dip_production_place": "Kota Mandiri",
        "dip_form": ["print", "electronic"],
        "dip_retention": "10 tahun",
        "refresh_months": "6",
        "action": action,
        **fields,
    }
    if file:
        data["file"] = (io.BytesIO(a_pdf()), "lra-2025.pdf")
    return post_multipart(browser, "/ruang-kerja/unggah", data)


def document_id_of(response) -> int:
    found = re.search(r"/ruang-kerja/dokumen/(\d+)$", response.location)
    assert found, response.location
    return int(found.group(1))


def post(browser, path: str, page: str, **data):
    return browser.post(path, data={"csrf_token": csrf_token(browser, page), **data})


def test_a_pelaksana_uploads_versions_and_submits_and_the_utama_publishes(
    client, officer
):
    dinkes = officer("dinkes")
    uploaded = form_upload(dinkes)
    assert uploaded.status_code == 302
    document_id = document_id_of(uploaded)
    page = dinkes.get(uploaded.location).get_data(as_text=True)
    assert "Laporan Realisasi Anggaran 2025" in page
    assert "tersimpan sebagai draf" in page
    assert "Saran kategori" in page and "Disarankan" in page

    dashboard = dinkes.get("/ruang-kerja").get_data(as_text=True)
    draft_section = dashboard.split('id="status-draft"')[1].split("</section>")[0]
    assert "Laporan Realisasi Anggaran 2025" in draft_section
    assert "Draf (1)" in dashboard

    page_path = f"/ruang-kerja/dokumen/{document_id}"
    added = post_multipart(
        dinkes,
        f"{page_path}/versi",
        {
            "csrf_token": csrf_token(dinkes, page_path),
            "file": (io.BytesIO(a_pdf("Versi perbaikan")), "lra-2025-v2.pdf"),
            "note": "Angka realisasi diperbaiki",
        },
    )
    assert added.status_code == 302
    page = dinkes.get(page_path).get_data(as_text=True)
    assert "Angka realisasi diperbaiki" in page and "lra-2025-v2.pdf" in page

    submitted = post(dinkes, f"{page_path}/ajukan", page_path)
    assert submitted.status_code == 302
    assert "Menunggu persetujuan" in dinkes.get(page_path).get_data(as_text=True)

    utama = officer("utama")
    queue = utama.get("/ruang-kerja/persetujuan")
    assert queue.status_code == 200
    assert "Laporan Realisasi Anggaran 2025" in queue.get_data(as_text=True)
    assert client.get(f"/api/v1/documents/{document_id}").status_code == 404
    published = post(
        utama,
        f"{page_path}/terbitkan",
        "/ruang-kerja/persetujuan",
        version="2",
        back="approvals",
    )
    assert published.status_code == 302
    assert published.location.endswith("/ruang-kerja/persetujuan")
    public = client.get(f"/api/v1/documents/{document_id}")
    assert public.status_code == 200
    assert public.get_json()["current_version"] == 2


def test_publishing_a_version_other_than_the_newest_is_refused_on_the_page(
    officer, archive
):
    utama = officer("utama")
    document_id = document_id_of(form_upload(utama, org="dinkes"))
    page_path = f"/ruang-kerja/dokumen/{document_id}"
    stale = post(utama, f"{page_path}/terbitkan", page_path, version="7")
    assert stale.status_code == 409
    assert "bukan lagi versi terbaru" in stale.get_data(as_text=True)
    with archive.reading() as session:
        assert session.get(Document, document_id).status == "draft"


def test_a_pelaksana_sees_only_its_own_workspace(client, cast, officer):
    response = upload(client, cast, "dinkes", publish="false")
    document_id = response.get_json()["id"]
    bpbd = officer("bpbd")
    assert bpbd.get(f"/ruang-kerja/dokumen/{document_id}").status_code == 404
    refused = post(
        bpbd,
        f"/ruang-kerja/dokumen/{document_id}/ajukan",
        "/ruang-kerja",
    )
    assert refused.status_code == 404
    assert bpbd.get("/ruang-kerja/persetujuan").status_code == 403
    assert bpbd.get("/admin").status_code == 403
    assert bpbd.get("/admin/pengguna").status_code == 403
    assert bpbd.get("/admin/kalender").status_code == 403
    dinkes = officer("dinkes")
    assert dinkes.get(f"/ruang-kerja/dokumen/{document_id}").status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client):
    for path in (
        "/ruang-kerja",
        "/ruang-kerja/unggah",
        "/ruang-kerja/persetujuan",
        "/ruang-kerja/uji",
        "/admin/organisasi",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/masuk" in response.location, path


def test_a_form_without_its_csrf_token_is_refused_and_nothing_is_stored(
    officer, archive
):
    dinkes = officer("dinkes")
    response = post_multipart(
        dinkes,
        "/ruang-kerja/unggah",
        {
            "title": "Tanpa token",
            "category": "berkala",
            "file": (io.BytesIO(a_pdf()), "x.pdf"),
        },
    )
    assert response.status_code == 400
    with archive.reading() as session:
        assert session.query(Document).count() == 0


def test_a_validation_error_shows_the_form_again_with_the_message(officer, archive):
    dinkes = officer("dinkes")
    response = form_upload(dinkes, title="  ", summary="Ringkasan yang diketik")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page
    assert "Judul dokumen wajib diisi." in page
    assert 'href="#upload-title"' in page
    assert re.search(
        r'id="upload-title"[^>]*aria-describedby="upload-title-error"', page
    )
    assert "Ringkasan yang diketik" in page  # the input is kept
    assert 'value="print" checked' in page
    with archive.reading() as session:
        assert session.query(Document).count() == 0
        assert session.query(DocumentVersion).count() == 0


def test_an_upload_without_a_file_names_the_file_field(officer, archive):
    response = form_upload(officer("dinkes"), file=False)
    assert response.status_code == 422
    assert "Pilih berkas yang akan diunggah." in response.get_data(as_text=True)
    with archive.reading() as session:
        assert session.query(Document).count() == 0


def test_serta_merta_event_time_is_read_in_the_local_time_zone(officer, archive):
    dinkes = officer("dinkes")
    response = form_upload(
        dinkes,
        title="Peringatan banjir",
        category="serta_merta",
        event_at="2025-01-10T08:30",
        action="submit",
    )
    assert response.status_code == 302
    with archive.reading() as session:
        document = session.get(Document, document_id_of(response))
        assert document.status == "published"  # serta merta needs no approval
        assert document.event_at.isoformat().startswith("2025-01-10T01:30")


def test_an_upload_with_an_exemption_reason_proposes_a_test(officer):
    dinkes = officer("dinkes")
    response = form_upload(
        dinkes, title="Rekam medis pasien", reason="Memuat data kesehatan pribadi"
    )
    assert response.status_code == 302
    page = dinkes.get(response.location).get_data(as_text=True)
    assert "pengecualiannya diusulkan" in page
    assert "Diusulkan" in page


def test_an_exemption_runs_from_proposal_to_penetapan_through_the_pages(
    client, cast, officer
):
    uploaded = upload(client, cast, "utama", org="dinkes", publish="true")
    document_id = uploaded.get_json()["id"]
    assert client.get(f"/api/v1/documents/{document_id}").status_code == 200
    page_path = f"/ruang-kerja/dokumen/{document_id}"

    dinkes = officer("dinkes")
    proposed = post(
        dinkes,
        f"{page_path}/usulkan-pengecualian",
        page_path,
        reason="Lampiran memuat data pribadi pegawai",
        ground_letter="h",
    )
    assert proposed.status_code == 302
    page = dinkes.get(page_path).get_data(as_text=True)
    test_id = int(re.search(r"/ruang-kerja/uji/(\d+)", page).group(1))
    test_path = f"/ruang-kerja/uji/{test_id}"

    utama = officer("utama")
    record = {
        "test_date": local_today().isoformat(),
        "place": "Kota Mandiri",
        "participants": "PPID Utama\nKepala Dinas Kesehatan",
        "specific_information": "Data pribadi dalam lampiran",
        "source_documents": "Lampiran laporan",
        "ground_letter": "h",
        "ground_subitem": "2",
        "other_statute": "",
        "consequence_if_opened": "Rahasia pribadi terungkap.",
        "consequence_if_closed": "Kepentingan publik tetap terlayani.",
        "decision": "exempt_whole",
        "period_kind": "duration",
        "period_value": "P5Y",
    }
    missing = post(utama, f"{test_path}/catat", test_path, **{**record, "place": ""})
    assert missing.status_code == 422
    assert "Kolom place wajib diisi." in missing.get_data(as_text=True)
    assert "Kepala Dinas Kesehatan" in missing.get_data(as_text=True)
    recorded = post(utama, f"{test_path}/catat", test_path, **record)
    assert recorded.status_code == 302, recorded.get_data(as_text=True)

    atasan = officer("atasan")
    assert test_path in atasan.get("/ruang-kerja").get_data(as_text=True)
    no_reason = post(atasan, f"{test_path}/tolak", test_path, note="")
    assert no_reason.status_code == 422
    assert "Sebutkan alasan penolakan." in no_reason.get_data(as_text=True)
    approved = post(atasan, f"{test_path}/setujui", test_path)
    assert approved.status_code == 302

    assert client.get(f"/api/v1/documents/{document_id}").status_code == 404
    pdf = atasan.get(f"{test_path}/penetapan.pdf")
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert "Unduh penetapan" in utama.get(test_path).get_data(as_text=True)


def test_the_dashboard_fits_the_role(client, cast, officer):
    upload(client, cast, "dinkes", title="Profil Dinas Kesehatan", publish="false")
    upload(client, cast, "bpbd", title="Rencana Kontinjensi", publish="false")
    utama = officer("utama")
    everything = utama.get("/ruang-kerja").get_data(as_text=True)
    assert (
        "Profil Dinas Kesehatan" in everything and "Rencana Kontinjensi" in everything
    )
    assert "/ruang-kerja/persetujuan" in everything and "/ruang-kerja/uji" in everything
    only_bpbd = utama.get("/ruang-kerja?org=bpbd&status=draft").get_data(as_text=True)
    assert "Rencana Kontinjensi" in only_bpbd
    assert "Profil Dinas Kesehatan" not in only_bpbd
    assert utama.get("/ruang-kerja?status=bogus").status_code == 400
    assert officer("admin").get("/ruang-kerja").location.endswith("/admin")
    atasan = officer("atasan").get("/ruang-kerja").get_data(as_text=True)
    assert "Tidak ada uji konsekuensi yang menunggu keputusan." in atasan


def test_the_upload_page_is_accessible_and_enhanced_only_by_a_script_file(officer):
    response = officer("utama").get("/ruang-kerja/unggah")
    page = response.get_data(as_text=True)
    assert page.count("<h1>") == 1
    assert 'enctype="multipart/form-data"' in page
    assert '<script src="/static/upload.js" defer></script>' in page
    script = officer("dinkes").get("/static/upload.js")
    assert script.status_code == 200 and b"XMLHttpRequest" in script.data
    script.close()
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert " style=" not in page
    assert "<progress" in page and 'aria-live="polite"' in page
    for control in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page):
        if control != "upload-progress-bar":
            assert f'for="{control}"' in page, control
    assert "Simpan sebagai draf" in page and "Terbitkan" in page
    assert "Organisasi pemilik" in page and 'name="org"' in page
    pelaksana = officer("dinkes").get("/ruang-kerja/unggah").get_data(as_text=True)
    assert "Ajukan untuk persetujuan" in pelaksana
    assert 'name="org"' not in pelaksana
    assert officer("atasan").get("/ruang-kerja/unggah").status_code == 403


def test_officers_download_versions_the_public_cannot_see_yet(client, cast, officer):
    response = upload(client, cast, "dinkes", publish="false")
    document_id = response.get_json()["id"]
    path = f"/ruang-kerja/dokumen/{document_id}/versi/1/unduh"
    download = officer("dinkes").get(path)
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert officer("bpbd").get(path).status_code == 404


def test_a_partial_exemption_publishes_the_redacted_version_and_a_decision_opens_it(
    client, cast, officer
):
    uploaded = upload(client, cast, "utama", org="dinkes", publish="true")
    document_id = uploaded.get_json()["id"]
    utama = officer("utama")
    page_path = f"/ruang-kerja/dokumen/{document_id}"
    post(utama, f"{page_path}/usulkan-pengecualian", page_path, reason="Data pribadi")
    test_path = "/ruang-kerja/uji/1"
    recorded = post(
        utama,
        f"{test_path}/catat",
        test_path,
        test_date=local_today().isoformat(),
        place="Kota Mandiri",
        participants="PPID Utama",
        specific_information="Nama dan NIK penerima bantuan",
        source_documents="Lampiran II",
        ground_letter="h",
        ground_subitem="2",
        consequence_if_opened="Data pribadi terungkap.",
        consequence_if_closed="Isi lainnya tetap terbuka.",
        decision="exempt_part",
        period_kind="indefinite",
        period_value="",
    )
    assert recorded.status_code == 302, recorded.get_data(as_text=True)
    atasan = officer("atasan")
    too_early = post(atasan, f"{test_path}/setujui", test_path)
    assert too_early.status_code == 409
    assert "Unggah versi publik" in too_early.get_data(as_text=True)
    redacted = post_multipart(
        utama,
        f"{test_path}/versi-publik",
        {
            "csrf_token": csrf_token(utama, test_path),
            "file": (io.BytesIO(a_pdf("Versi dihitamkan")), "publik.pdf"),
        },
    )
    assert redacted.status_code == 302
    page = atasan.get(test_path).get_data(as_text=True)
    assert 'name="redacted_version" value="1"' in page
    assert post(atasan, f"{test_path}/setujui", test_path).status_code == 302
    assert client.get(f"/api/v1/documents/{document_id}").status_code == 404
    public = client.get("/api/v1/documents", query_string={"org": "dinkes"})
    assert public.get_json()["items"][0]["redacted"] is True

    opened = post(
        utama,
        f"{test_path}/buka",
        test_path,
        authority="komisi_informasi",
        reference="Putusan KI 12/2026",
        decided_on=local_today().isoformat(),
    )
    assert opened.status_code == 302
    assert client.get(f"/api/v1/documents/{document_id}").status_code == 200
