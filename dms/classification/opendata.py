"""Open data: the DIP and DIK as CSV, and a DCAT-AP style catalogue (JSON-LD) of
every public document and its public versions.

Nothing here is more open than the portal: the DIP rows and the catalogue read
only what PUBLIC_CLAUSE lets a citizen see (never exempt, draft or withdrawn
documents, never the exempt original of a redacted one), and only the versions
approved for the public; the DIK gives the public facts of an exemption only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from dms.accounts.models import Organisation
from dms.categories import PUBLIC_LABELS
from dms.classification.registers import DikRow, DipRow
from dms.documents.access import PUBLIC_CLAUSE
from dms.documents.models import Document, DocumentVersion
from dms.documents.services import visible_versions
from dms.output.tables import csv_text

DIP_COLUMNS = (
    "no",
    "id",
    "title",
    "summary",
    "unit",
    "responsible",
    "production_time",
    "production_place",
    "forms",
    "retention",
    "category",
    "org_slug",
    "org_name",
    "year",
    "page_url",
    "api_url",
)
DIK_COLUMNS = (
    "no",
    "title",
    "legal_basis",
    "consequence",
    "period_kind",
    "expires_on",
    "period",
    "decision",
    "status",
    "status_label",
    "test_number",
    "decided_on",
    "org_slug",
    "org_name",
)
LANDING_PAGE = "dokumen/{id}"
DOWNLOAD_URL = "api/v1/documents/{id}/versions/{number}/download"
API_URL = "api/v1/documents/{id}"
ORGANISATION_PAGE = "opd/{slug}"
CATEGORY_PAGE = "kategori/{code}"
MEDIA_TYPE_BASE = "https://www.iana.org/assignments/media-types/"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def dip_csv(rows: Sequence[DipRow], *, base_url: str) -> str:
    """The DIP as CSV (UTF-8, no byte-order mark, a header row first)."""
    return csv_text(
        DIP_COLUMNS,
        (
            (
                row.number,
                row.document_id,
                row.title,
                row.summary,
                row.unit,
                row.responsible,
                row.production_time,
                row.production_place,
                ",".join(row.forms),
                row.retention,
                row.category,
                row.org.slug,
                row.org.name,
                row.year or "",
                base_url + LANDING_PAGE.format(id=row.document_id),
                base_url + API_URL.format(id=row.document_id),
            )
            for row in rows
        ),
    )


def dik_csv(rows: Sequence[DikRow]) -> str:
    """The DIK as CSV: the public facts of each exemption, none of the content."""
    return csv_text(
        DIK_COLUMNS,
        (
            (
                row.number,
                row.title,
                row.legal_basis,
                row.consequence,
                row.period_kind or "",
                row.expires_on.isoformat() if row.expires_on else "",
                row.period,
                row.decision,
                row.status,
                row.status_label,
                row.test_number,
                row.decided_on.isoformat() if row.decided_on else "",
                row.org.slug,
                row.org.name,
            )
            for row in rows
        ),
    )


# --- the catalogue -------------------------------------------------------------------


def public_documents(session: Session) -> list[Document]:
    """Every document a citizen may see, with its organisation and versions."""
    query = (
        select(Document)
        .where(PUBLIC_CLAUSE)
        .options(joinedload(Document.organisation), selectinload(Document.versions))
        .order_by(Document.id)
    )
    return list(session.scalars(query).unique())


def catalogue(session: Session, *, base_url: str, title: str) -> dict:
    """The DCAT-AP style catalogue (JSON-LD): one dcat:Dataset per public document,
    one dcat:Distribution per public version. base_url ends with '/'."""
    publisher = _utama(session)
    return {
        "@context": CONTEXT,
        "@id": base_url + "data/katalog.json",
        "@type": "dcat:Catalog",
        "dct:title": title,
        "dct:description": (
            "Dokumen informasi publik yang diterbitkan menurut UU 14/2008 "
            "tentang Keterbukaan Informasi Publik."
        ),
        "dct:language": {
            "@id": "http://publications.europa.eu/resource/authority/language/IND"
        },
        "dct:publisher": _agent(publisher, base_url),
        "foaf:homepage": {"@id": base_url},
        "dcat:dataset": [
            dataset(document, base_url) for document in public_documents(session)
        ],
    }


def dataset(document: Document, base_url: str) -> dict:
    """One public document as a dcat:Dataset."""
    landing = base_url + LANDING_PAGE.format(id=document.id)
    entry = {
        "@id": landing,
        "@type": "dcat:Dataset",
        "dct:identifier": str(document.id),
        "dct:title": document.title,
        "dct:description": document.summary,
        "dct:issued": _time(document.published_at or document.created_at),
        "dct:modified": _time(document.updated_at),
        "dct:publisher": _agent(document.organisation, base_url),
        "dcat:theme": {
            "@id": base_url + CATEGORY_PAGE.format(code=document.category),
            "skos:prefLabel": PUBLIC_LABELS.get(document.category, document.category),
        },
        "dcat:keyword": [document.info_type] if document.info_type.strip() else [],
        "dcat:landingPage": {"@id": landing},
        "dcat:distribution": [
            distribution(version, base_url)
            for version in visible_versions(None, document)
        ],
    }
    if document.year:
        entry["dct:temporal"] = str(document.year)
    return entry


def distribution(version: DocumentVersion, base_url: str) -> dict:
    """One public version as a dcat:Distribution, with its SHA-256 checksum."""
    url = base_url + DOWNLOAD_URL.format(id=version.document_id, number=version.number)
    return {
        "@id": url,
        "@type": "dcat:Distribution",
        "dct:title": version.filename,
        "dct:issued": _time(version.created_at),
        "dcat:accessURL": {"@id": url},
        "dcat:downloadURL": {"@id": url},
        "dcat:mediaType": {"@id": MEDIA_TYPE_BASE + version.content_type},
        "dcat:byteSize": {
            "@value": str(version.size),
            "@type": "xsd:nonNegativeInteger",
        },
        "spdx:checksum": {
            "@type": "spdx:Checksum",
            "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
            "spdx:checksumValue": version.blob_sha256,
        },
    }


def _agent(organisation: Organisation | None, base_url: str) -> dict:
    if organisation is None:
        return {"@type": "foaf:Organization", "foaf:name": "PPID"}
    return {
        "@id": base_url + ORGANISATION_PAGE.format(slug=organisation.slug),
        "@type": "foaf:Organization",
        "foaf:name": organisation.name,
    }


def _utama(session: Session) -> Organisation | None:
    return session.scalar(
        select(Organisation)
        .where(Organisation.is_utama.is_(True))
        .order_by(Organisation.id)
        .limit(1)
    )


def _time(moment: datetime | None) -> dict | None:
    if moment is None:
        return None
    return {"@value": moment.isoformat(), "@type": "xsd:dateTime"}
