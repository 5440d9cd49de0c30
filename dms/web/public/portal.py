"""The citizens' portal pages: browsing, documents, organisations.

Every view reads as an anonymous citizen (actor=None), whoever is logged in:
the portal is the public face of the archive, so a page shows the same to
everyone and can be shared by its URL. Staff see more in the workspace.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, Flask, render_template, request
from flask_babel import gettext, lazy_gettext
from sqlalchemy import select

from dms.accounts.models import Organisation
from dms.accounts.service import SLUG_PATTERN, find_organisation
from dms.categories import BERKALA, SERTA_MERTA, SETIAP_SAAT
from dms.classification import rules
from dms.classification.registers import dip_rows
from dms.documents import services
from dms.documents.models import DIP_FORMS, Document
from dms.documents.services import DocumentPage, ListQuery
from dms.errors import BadInput, NotFound
from dms.organisations import profiles
from dms.web import current_archive, local_today
from dms.web.labels import CATEGORY_NAMES

bp = Blueprint("portal", __name__)

PAGE_SIZE = 20
MAX_PAGE = 100_000
FIRST_YEAR, LAST_YEAR = 1945, 2100
# The first DIP rows an organisation's page shows before linking to the whole DIP.
DIP_PREVIEW = 5

CATEGORY_HEADINGS = {
    BERKALA: lazy_gettext("Informasi berkala"),
    SERTA_MERTA: lazy_gettext("Informasi serta merta"),
    SETIAP_SAAT: lazy_gettext("Informasi setiap saat"),
}
CATEGORY_DESCRIPTIONS = {
    BERKALA: lazy_gettext(
        "Informasi yang wajib disediakan dan diumumkan secara berkala "
        "(UU 14/2008 Pasal 9)."
    ),
    SERTA_MERTA: lazy_gettext(
        "Informasi yang wajib diumumkan secara serta merta (UU 14/2008 Pasal 10)."
    ),
    SETIAP_SAAT: lazy_gettext(
        "Informasi yang wajib tersedia setiap saat (UU 14/2008 Pasal 11)."
    ),
}
FORM_NAMES = dict(
    zip(
        DIP_FORMS,
        (lazy_gettext("tercetak"), lazy_gettext("rekaman"), lazy_gettext("elektronik")),
        strict=True,
    )
)
DIP_FIELD_NAMES = {
    "dip_unit": lazy_gettext("Pejabat/unit yang menguasai informasi"),
    "dip_responsible": lazy_gettext("Penanggung jawab pembuatan informasi"),
    "dip_production_time": lazy_gettext("Waktu pembuatan"),
    "dip_production_place": lazy_gettext("Tempat pembuatan"),
    "dip_form": lazy_gettext("Bentuk informasi yang tersedia"),
    "dip_retention": lazy_gettext("Jangka waktu penyimpanan"),
}


def _timezone() -> str:
    return current_archive().settings.timezone


# --- the document page -------------------------------------------------------------


@bp.get("/dokumen/<id:document_id>")
def document(document_id: int):
    """One public document: metadata, DIP fields, every public version."""
    with current_archive().reading() as session:
        found = services.get_document(session, actor=None, document_id=document_id)
        return render_template(
            "public/document.html",
            document=found,
            versions=services.visible_versions(None, found),
            dip_fields=_dip_fields(found),
            redacted=found.redacted_from_id is not None,
            refresh_due=rules.refresh_due(found, _timezone()),
            refresh_months=rules.refresh_period(found),
            stale=rules.is_stale(found, local_today(), _timezone()),
        )


def _dip_fields(document: Document) -> list[tuple[str, str]]:
    """The DIP fields that are filled in, with their names, in register order."""
    values = {name: getattr(document, name) or "" for name in DIP_FIELD_NAMES}
    values["dip_unit"] = values["dip_unit"] or document.organisation.name
    forms = [f.strip() for f in values["dip_form"].split(",") if f.strip()]
    values["dip_form"] = ", ".join(str(FORM_NAMES.get(f, f)) for f in forms)
    return [(DIP_FIELD_NAMES[name], value) for name, value in values.items() if value]


# --- browsing ------------------------------------------------------------------------


@bp.get("/kategori/<code>")
def category(code: str):
    """The public documents of one category (the exempt one has no page)."""
    if code not in CATEGORY_NAMES:
        raise NotFound(gettext("Kategori '%(code)s' tidak ditemukan.", code=code[:32]))
    return _browse(
        "public/browse.html",
        ListQuery(category=code),
        heading=CATEGORY_HEADINGS[code],
        description=CATEGORY_DESCRIPTIONS[code],
        route={"code": code},
        facet="year",
    )


@bp.get("/tahun/<int:year>")
def year(year: int):
    """The public documents of one year."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise NotFound(gettext("Tahun %(year)s tidak ditemukan.", year=year))
    return _browse(
        "public/browse.html",
        ListQuery(year=year),
        heading=gettext("Tahun %(year)s", year=year),
        description=gettext(
            "Informasi publik tahun %(year)s dari seluruh badan publik.", year=year
        ),
        route={"year": year},
        facet="category",
    )


def _browse(template: str, query: ListQuery, **context):
    number = page_number()
    with current_archive().reading() as session:
        page = _public_page(session, query, number)
        return render_template(
            template,
            page=page,
            stale_ids=stale_ids(page.items, current_archive().settings),
            labels=CATEGORY_NAMES,
            **context,
        )


def _public_page(session, query: ListQuery, number: int) -> DocumentPage:
    """One page of public documents; 404 past the last one (page 1 always exists)."""
    query = ListQuery(
        category=query.category,
        org=query.org,
        year=query.year,
        page=number,
        per_page=PAGE_SIZE,
    )
    page = services.list_documents(session, actor=None, query=query)
    if number > 1 and not page.items:
        raise NotFound(gettext("Halaman %(number)s tidak ditemukan.", number=number))
    return page


def page_number() -> int:
    """The ?page= of the request (1 when absent); 400 when it is not a page number."""
    raw = request.args.get("page", "")
    if not raw:
        return 1
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise BadInput(gettext("Nomor halaman tidak valid: %(page)s.", page=raw[:16]))
    return int(raw)


def newest_documents(session, limit: int) -> list[Document]:
    """The newest public berkala and setiap saat documents. Serta merta ones have
    their own place on the front page (the pinned announcements and the feed):
    one the officers unpinned must not come back there as "new"."""
    pages = [
        services.list_documents(
            session, actor=None, query=ListQuery(category=code, per_page=limit)
        )
        for code in (BERKALA, SETIAP_SAAT)
    ]
    found = [document for page in pages for document in page.items]
    found.sort(key=lambda d: (d.created_at, d.id), reverse=True)
    return found[:limit]


def public_facets(session) -> dict[str, dict[str, int]]:
    """Counts of public documents by category, organisation and year."""
    query = ListQuery(per_page=1)
    return services.list_documents(session, actor=None, query=query).facets


def stale_ids(documents: list[Document], settings) -> set[int]:
    """The ids of the berkala documents among these that are past their refresh
    on the public body's today."""
    today = settings.local_today()
    return {d.id for d in documents if rules.is_stale(d, today, settings.timezone)}


# --- organisations -------------------------------------------------------------------


@dataclass
class OrgNode:
    """An organisation in the public tree, with its count of public documents."""

    slug: str
    name: str
    is_utama: bool
    count: int
    children: list[OrgNode] = field(default_factory=list)


@bp.get("/opd")
def organisations():
    """Every public body, as the tree of PPID Utama and its PPID Pelaksana."""
    with current_archive().reading() as session:
        counts = public_facets(session)["org"]
        everyone = session.scalars(select(Organisation)).all()
    tree = org_tree(everyone, counts)
    return render_template(
        "public/organisations.html",
        tree=tree,
        total_orgs=len(everyone),
        total_documents=sum(counts.values()),
    )


def org_tree(organisations: list[Organisation], counts: dict[str, int]) -> list:
    """The organisations as a tree by parent, each level sorted by name."""
    nodes = {
        o.id: OrgNode(o.slug, o.name, o.is_utama, counts.get(o.slug, 0))
        for o in organisations
    }
    roots = []
    for o in sorted(organisations, key=lambda o: (o.name.casefold(), o.id)):
        parent = nodes.get(o.parent_id) if o.parent_id != o.id else None
        (parent.children if parent else roots).append(nodes[o.id])
    return roots


@bp.get("/opd/<slug>")
def organisation(slug: str):
    """One public body's page: profile, its DIP, its public documents."""
    number = page_number()
    with current_archive().reading() as session:
        found = find_organisation(session, slug) if SLUG_PATTERN.match(slug) else None
        if found is None:
            raise NotFound(
                gettext("Badan publik '%(slug)s' tidak ditemukan.", slug=slug[:64])
            )
        page = _public_page(session, ListQuery(org=slug), number)
        dip = dip_rows(session, found)
        children = session.scalars(
            select(Organisation).where(Organisation.parent_id == found.id)
        ).all()
        return render_template(
            "public/organisation.html",
            organisation=found,
            children=sorted(children, key=lambda o: o.name.casefold()),
            page=page,
            stale_ids=stale_ids(page.items, current_archive().settings),
            dip_count=len(dip),
            dip_preview=dip[:DIP_PREVIEW],
            labels=CATEGORY_NAMES,
            ppid=profiles.get_profile(session, None, found.slug),
        )


# --- template helpers ----------------------------------------------------------------


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
