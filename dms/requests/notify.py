"""The emails of the request service (DOMAIN.md §4), in Indonesian.

Each step queues its messages in the step's own transaction (dms.mail.enqueue);
they are delivered after the commit. Requesters get no personal data of anyone
else; officers get the number and a link to the workspace, never the
requester's identity number or contacts (those stay behind the login).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from dms.accounts.models import User
from dms.accounts.roles import ATASAN_PPID, PPID_PELAKSANA, PPID_UTAMA
from dms.mail import SITE_URL, enqueue
from dms.output.dates import indonesian_date

SIGNATURE = "\n\n—\nPejabat Pengelola Informasi dan Dokumentasi (PPID)\n"


def site_url(session: Session) -> str:
    """The portal's address for links, as the archive gave it to this unit of
    work (Archive.transaction): DMS_PUBLIC_URL, else the address of the web
    request that caused the email; "" only where neither exists (a command
    line or worker without DMS_PUBLIC_URL, where mail cannot be sent either)."""
    return session.info.get(SITE_URL, "")


def _officers(session: Session, *, roles=(), organisation_ids=()) -> list[str]:
    query = select(User.email).where(User.is_active, User.email != "")
    clauses = []
    if roles:
        clauses.append(User.role.in_(roles))
    if organisation_ids:
        clauses.append(
            (User.role == PPID_PELAKSANA)
            & User.organisation_id.in_(list(organisation_ids))
        )
    if clauses:
        query = query.where(or_(*clauses))
    return sorted(set(session.scalars(query)))


def _send_all(session, recipients: Iterable[str], subject, body, topic) -> int:
    count = 0
    for to in recipients:
        if enqueue(session, to=to, subject=subject, body=body, topic=topic):
            count += 1
    return count


def _workspace_link(session: Session, number: str) -> str:
    return f"{site_url(session)}/ruang-kerja/permohonan/{number}"


def submitted(session: Session, found, secret: str) -> None:
    """To the requester: the number, the deadline and the status link; to the PPID
    Utama: a new request to dispose."""
    status = f"{site_url(session)}/permohonan/status/{found.number}?kunci={secret}"
    enqueue(
        session,
        to=found.email,
        subject=f"Permohonan informasi {found.number} telah diterima",
        body=(
            f"Yth. {found.name},\n\n"
            f"Permohonan informasi Anda telah kami terima dengan nomor pendaftaran "
            f"{found.number}.\n"
            f"Batas waktu jawaban tertulis: {_date(found.due_on)} "
            "(10 hari kerja, dapat diperpanjang paling lama 7 hari kerja).\n\n"
            f"Ikuti status permohonan Anda di:\n{status}\n\n"
            "Simpan tautan ini; tautan tersebut tidak dikirim ulang. Anda juga "
            f"dapat memeriksa status di {site_url(session)}/permohonan/cek dengan "
            "nomor pendaftaran dan alamat email Anda." + SIGNATURE
        ),
        topic=f"request.submit {found.number}",
    )
    _send_all(
        session,
        _officers(session, roles=(PPID_UTAMA,)),
        f"Permohonan baru {found.number} menunggu disposisi",
        (
            f"Permohonan informasi {found.number} diterima melalui saluran "
            f"{found.channel}; batas waktu jawaban {_date(found.due_on)}.\n\n"
            f"Disposisikan di: {_workspace_link(session, found.number)}" + SIGNATURE
        ),
        f"request.submit {found.number}",
    )


def disposed(session: Session, found, organisations) -> None:
    names = ", ".join(o.name for o in organisations)
    _send_all(
        session,
        _officers(session, organisation_ids=[o.id for o in organisations]),
        f"Disposisi permohonan {found.number}",
        (
            f"Permohonan informasi {found.number} didisposisikan kepada {names}.\n"
            f"Ringkasan: {found.subject}\n"
            f"Batas waktu jawaban: {_date(found.effective_due_on)}.\n\n"
            f"Tangani di: {_workspace_link(session, found.number)}" + SIGNATURE
        ),
        f"request.dispose {found.number}",
    )
    _to_requester(
        session,
        found,
        f"Permohonan {found.number} sedang diproses",
        f"Permohonan Anda telah diteruskan kepada {names} untuk dijawab. Batas "
        f"waktu jawaban tetap {_date(found.effective_due_on)}.",
        "request.dispose",
    )


def extended(session: Session, found) -> None:
    _to_requester(
        session,
        found,
        f"Jangka waktu jawaban permohonan {found.number} diperpanjang",
        f"Jangka waktu jawaban atas permohonan Anda diperpanjang "
        f"{found.extended_days} hari kerja, sampai {_date(found.extended_due_on)}.\n"
        f"Alasan: {found.extension_reason}",
        "request.extend",
    )


def answered(session: Session, found) -> None:
    from dms.requests.workflow import OUTCOME_LABELS

    _to_requester(
        session,
        found,
        f"Permohonan {found.number} telah dijawab",
        f"Permohonan Anda telah dijawab: {OUTCOME_LABELS[found.outcome]}.\n"
        "Pemberitahuan tertulis, dokumen dan lampiran jawaban dapat Anda lihat "
        "dan unduh di halaman status permohonan.\n\n"
        "Jika Anda tidak puas dengan jawaban ini, Anda dapat mengajukan keberatan "
        "kepada atasan PPID paling lambat 30 hari kerja sejak jawaban diterima.",
        "request.answer",
    )


def reminder(session: Session, found, *, overdue: bool, today: date) -> int:
    """To the officers handling the request: due soon, or overdue."""
    organisation_ids = [d.organisation_id for d in found.dispositions]
    recipients = _officers(
        session,
        roles=() if organisation_ids else (PPID_UTAMA,),
        organisation_ids=organisation_ids,
    )
    when = _date(found.effective_due_on)
    subject = (
        f"TERLAMBAT: permohonan {found.number} melewati batas waktu {when}"
        if overdue
        else f"Pengingat: permohonan {found.number} jatuh tempo {when}"
    )
    return _send_all(
        session,
        recipients,
        subject,
        (
            f"Permohonan informasi {found.number} belum dijawab. Batas waktu: "
            f"{when}.\n\nTangani di: {_workspace_link(session, found.number)}"
            + SIGNATURE
        ),
        f"request.remind {found.number} {today.isoformat()}",
    )


def objection_reminder(session: Session, objection, *, overdue: bool, today: date):
    """To the atasan PPID: an objection due soon, or overdue; how many sent."""
    when = _date(objection.due_on)
    subject = (
        f"TERLAMBAT: keberatan {objection.number} melewati batas waktu {when}"
        if overdue
        else f"Pengingat: keberatan {objection.number} jatuh tempo {when}"
    )
    return _send_all(
        session,
        _officers(session, roles=(ATASAN_PPID,)),
        subject,
        (
            f"Keberatan {objection.number} belum ditanggapi. Batas waktu tanggapan "
            f"tertulis atasan PPID: {when} (30 hari kerja).\n\n"
            f"Tanggapi di: {site_url(session)}/ruang-kerja/keberatan/"
            f"{objection.number}" + SIGNATURE
        ),
        f"objection.remind {objection.number} {today.isoformat()}",
    )


def objection_filed(session: Session, objection, secret: str) -> None:
    status = f"{site_url(session)}/keberatan/status/{objection.number}?kunci={secret}"
    enqueue(
        session,
        to=objection.email,
        subject=f"Keberatan {objection.number} telah diterima",
        body=(
            f"Yth. {objection.name},\n\n"
            f"Keberatan Anda telah kami terima dengan nomor {objection.number} dan "
            "diteruskan kepada atasan PPID. Tanggapan tertulis diberikan paling "
            f"lambat {_date(objection.due_on)} (30 hari kerja).\n\n"
            f"Ikuti statusnya di:\n{status}" + SIGNATURE
        ),
        topic=f"objection.submit {objection.number}",
    )
    _send_all(
        session,
        _officers(session, roles=(ATASAN_PPID, PPID_UTAMA)),
        f"Keberatan baru {objection.number}",
        (
            f"Keberatan {objection.number} diterima; tanggapan atasan PPID paling "
            f"lambat {_date(objection.due_on)}.\n\n"
            f"Lihat di: {site_url(session)}/ruang-kerja/keberatan/{objection.number}"
            + SIGNATURE
        ),
        f"objection.submit {objection.number}",
    )


def objection_decided(session: Session, objection) -> None:
    from dms.requests.objections import DECISION_LABELS

    enqueue(
        session,
        to=objection.email,
        subject=f"Tanggapan atas keberatan {objection.number}",
        body=(
            f"Yth. {objection.name},\n\n"
            f"Atasan PPID telah menanggapi keberatan Anda: "
            f"{DECISION_LABELS[objection.decision]}.\n\n{objection.decision_text}\n\n"
            "Jika Anda tidak puas, Anda dapat mengajukan sengketa informasi kepada "
            "Komisi Informasi paling lambat 14 hari kerja sejak tanggapan ini "
            "diterima." + SIGNATURE
        ),
        topic=f"objection.decide {objection.number}",
    )


def _to_requester(session: Session, found, subject: str, text: str, topic: str):
    enqueue(
        session,
        to=found.email,
        subject=subject,
        body=(
            f"Yth. {found.name},\n\n{text}\n\n"
            f"Cek status: {site_url(session)}/permohonan/cek (nomor {found.number} dan "
            "email Anda)." + SIGNATURE
        ),
        topic=f"{topic} {found.number}",
    )


def _date(day: date | None) -> str:
    return indonesian_date(day) if day else "-"
