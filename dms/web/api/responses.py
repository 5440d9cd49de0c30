"""The shapes the API answers with, as pydantic models for /api/v1/openapi.json
(the views build their JSON themselves; these only describe it). No field is
promised in every answer: staff see more than citizens, and some appear only
in a given state."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from dms import workdays as calendar
from dms.categories import CATEGORIES
from dms.classification.registers import REQUIRED_DIP_FIELDS
from dms.classification.suggest import WHERE
from dms.documents.models import STATUSES
from dms.monitoring.requests_stats import GROUND_LABELS, REFUSAL_LABELS
from dms.requests.models import REQUEST_STATES
from dms.web.api.schemas import DIP, ConsequenceTestRecord, Output

DateTime = Field(json_schema_extra={"format": "date-time"})
Day = Field(json_schema_extra={"format": "date"})


class ErrorDetail(Output):
    model_config = ConfigDict(json_schema_extra={"required": ["code", "message"]})

    code: str
    message: str
    field: str = Field(description="The field at fault, when there is one")


class Error(Output):
    """Every refusal: {"error": {"code", "message", "field"?}}."""

    error: ErrorDetail

    model_config = ConfigDict(json_schema_extra={"required": ["error"]})


# --- documents ------------------------------------------------------------------------


class TextExtraction(Output):
    """What text extraction made of this version."""

    status: Literal["pending", "ok", "empty", "extraction_failed", "partial"]
    pages: int | None
    pages_done: int | None = Field(
        description="Pages read so far while partial; the worker reads on later"
    )
    characters: int | None
    extractors: list[str]
    seconds: float | None
    reason: str


class Version(Output):
    number: int
    filename: str
    size: int
    content_type: str = Field(description="Sniffed by libmagic")
    sha256: str
    created_at: str = DateTime
    note: str
    damaged: bool = Field(
        description="The stored bytes are missing or fail their SHA-256: downloads "
        "answer 503 version_damaged until the same bytes are uploaded again"
    )
    warning: str = Field(
        description="Said to the uploader (an encrypted PDF); empty when none"
    )
    text: TextExtraction
    download_url: str


class OrganisationRef(Output):
    slug: str
    name: str


class PendingChanges(Output):
    fields: dict[str, Any]
    by: str | None
    at: str | None


class Indexing(Output):
    status: Literal["indexed", "pending"]


class Highlights(Output):
    title: str
    summary: str
    body: str


class DipFields(Output):
    dip_unit: str = Field(description=DIP["dip_unit"])
    dip_responsible: str = Field(description=DIP["dip_responsible"])
    dip_production_time: str = Field(description=DIP["dip_production_time"])
    dip_production_place: str = Field(description=DIP["dip_production_place"])
    dip_form: str = Field(description=DIP["dip_form"])
    dip_retention: str = Field(description=DIP["dip_retention"])


class Document(Output):
    id: int
    title: str
    summary: str
    category: Literal[CATEGORIES]
    org: OrganisationRef
    year: int | None
    info_type: str
    status: Literal[STATUSES]
    dip: DipFields
    refresh_months: int | None = Field(
        description="Berkala: months within which a new version is due (default 6, "
        "at most 6: UU KIP Ps. 9(3))"
    )
    refresh_due: str | None = Field(
        description="Berkala: the day the published version falls due for a new one"
    )
    stale: bool = Field(description="Berkala: past its refresh period")
    event_at: str | None = Field(description="Serta merta: when the event happened")
    pinned: bool = Field(description="Serta merta: pinned on the portal's home page")
    redacted: bool = Field(
        description="The redacted public version of a partly exempt document"
    )
    redacted_from: int = Field(
        description="The exempt original (only for those who may see it)"
    )
    created_at: str
    updated_at: str
    published_at: str | None
    current_version: int = Field(description="Newest version visible to you")
    published_version: int = Field(description="Newest version approved for the public")
    url: str
    download_url: str
    versions: list[Version]
    indexing: Indexing = Field(
        description="Staff only: whether the search index holds the latest change"
    )
    pending_changes: PendingChanges | None = Field(
        description="Staff only: changes to the public text of a published document "
        "asked by an officer who may not publish it; they become public when the "
        "PPID Utama publishes (POST .../publish) and are dropped by DELETE "
        ".../pending-changes"
    )
    score: float | None = Field(
        description="With q: relevance (null unless sorted by it)"
    )
    highlights: Highlights = Field(
        description="With q: HTML-escaped snippets, <mark> around matches"
    )


class Facets(Output):
    category: dict[str, int]
    org: dict[str, int]
    year: dict[str, int]


class DocumentList(Output):
    items: list[Document]
    total: int
    page: int
    per_page: int
    facets: Facets
    suggestion: str | None = Field(
        description="With q: a corrected query from public words"
    )
    partial: bool = Field(
        False,
        description="With q: no document matched every word; these match most of them",
    )
    unmatched: list[str] = Field(
        default_factory=list,
        description="With q, when partial: the words that matched no document",
    )


class VersionList(Output):
    items: list[Version]


# --- tokens ---------------------------------------------------------------------------


class IssuedToken(Output):
    token: str
    username: str
    role: str
    expires_at: str = DateTime


class Token(Output):
    id: int
    label: str
    state: Literal["active", "expired", "revoked"]
    current: bool = Field(description="The token of this request")
    created_at: str = DateTime
    expires_at: str = DateTime
    last_used_at: str | None = DateTime
    revoked_at: str | None = DateTime


class TokenList(Output):
    tokens: list[Token]


# --- suggestions ----------------------------------------------------------------------


class Match(Output):
    phrase: str
    where: Literal[WHERE]


class Alternative(Output):
    category: str
    rule: str
    label: str


class Suggestion(Output):
    category: Literal[CATEGORIES] | None
    category_label: str | None
    rule: str = Field(description="Stable code of the rule; 'tidak_ada' when none")
    label: str
    matched: list[Match]
    explanation: str = Field(description="One Indonesian sentence")
    needs_consequence_test: bool = Field(
        description="Dikecualikan: propose an exemption (consequence test); never "
        "set the category directly"
    )
    alternatives: list[Alternative]


class DocumentSuggestion(Suggestion):
    document_id: int
    version: int
    text_used: bool = Field(
        description="False while text extraction is pending or found none"
    )
    text_status: str | None


# --- consequence tests ----------------------------------------------------------------


class Exemption(Output):
    status: Literal["active", "expired", "opened", "superseded"]
    expires_on: str | None
    warned_at: str | None
    end_reference: str | None


class ConsequenceTest(Output):
    id: int
    number: str | None = Field(description="UK-YYYY-NNNN")
    state: Literal["proposed", "recorded", "approved", "rejected", "cancelled"]
    document: dict[str, Any]
    proposal: dict[str, Any]
    record: ConsequenceTestRecord | None
    redacted_document: int | None
    decision: dict[str, Any]
    exemption: Exemption | None
    supersedes: int | None
    penetapan_url: str


class ConsequenceTestList(Output):
    items: list[ConsequenceTest]
    total: int


# --- calendar -------------------------------------------------------------------------


class CalendarEntry(Output):
    date: str = Day
    weekday: str = Field(description="Indonesian day name")
    name: str
    kind: Literal[calendar.DAY_KINDS]
    day_off: bool = Field(description="False: an admin made this holiday a working day")
    source: Literal["holidays", "admin"]
    origin: Literal[calendar.ORIGINS] = Field(
        description="package: from the holidays package; admin: the admin's own "
        "day; admin_override: the admin's change of a package day"
    )
    working_day: bool = Field(
        description="Whether the date counts as a working day under the settings in "
        "force (cuti bersama follow cuti_bersama_day_off)"
    )


class CalendarYear(Output):
    year: int
    cuti_bersama_day_off: bool
    timezone: str
    seeded: bool
    days: list[CalendarEntry]
    holidays_version: str
    unmerged: list[str] = Field(
        json_schema_extra={"items": {"type": "string", "format": "date"}},
        description="Days the installed holidays package has that the seeded year "
        "lacks (POST /calendar/merge)",
    )
    warnings: list[str] = Field(
        description="Why the year's calendar may be stale (no cuti bersama, unmerged "
        "days), in Indonesian"
    )


class WorkingDayAgain(Output):
    date: str = Day
    working_day: bool
    entry: CalendarEntry | None


DATES = Field(json_schema_extra={"items": {"type": "string", "format": "date"}})


class Merged(Output):
    year: int
    added: list[str] = DATES
    admin_kept: list[str] = DATES
    not_in_package: list[str] = DATES


class DueDate(Output):
    received: str = Day
    counted_from: str = Field(
        json_schema_extra={"format": "date"},
        description="The receipt date, moved to the next working day when received "
        "on a day off",
    )
    due: str = Day
    days: int
    cuti_bersama_day_off: bool


# --- registers ------------------------------------------------------------------------


class DipItem(Output):
    no: int
    id: int
    title: str
    summary: str
    unit: str = Field(description="dip_unit, else the org name")
    responsible: str
    production_time: str
    production_place: str
    forms: list[Literal["print", "recording", "electronic"]]
    retention: str
    category: Literal["berkala", "serta_merta", "setiap_saat"]
    org: OrganisationRef
    year: int | None
    url: str = Field(description="The document in this API")
    complete: bool
    missing: list[Literal[tuple(REQUIRED_DIP_FIELDS)]] = Field(
        description="DIP fields still empty"
    )


class DikPeriod(Output):
    kind: Literal["date", "duration", "event", "indefinite", None]
    expires_on: str | None = Day
    label: str


class DikTest(Output):
    number: str
    decided_on: str | None = Day


class DikItem(Output):
    no: int
    title: str
    legal_basis: str = Field(
        description="UU 14/2008 Pasal 17 letter and sub-item; other statute"
    )
    consequence: str = Field(description="Consequence if opened")
    period: DikPeriod
    decision: Literal["exempt_whole", "exempt_part"]
    partial: bool
    status: Literal["active", "expired", "opened"]
    status_label: str
    test: DikTest
    org: OrganisationRef


class Dip(Output):
    items: list[DipItem]
    total: int
    generated_at: str = DateTime
    org: OrganisationRef | None


class Dik(Output):
    items: list[DikItem]
    total: int
    generated_at: str = DateTime
    org: OrganisationRef | None


# --- reports --------------------------------------------------------------------------


def _refusals() -> type[Output]:
    from pydantic import create_model

    fields: dict[str, Any] = {code: (int, ...) for code in REFUSAL_LABELS}
    return create_model("RefusalsByReason", __base__=Output, **fields)


RefusalsByReason = _refusals()


class MonthRow(Output):
    month: int | None = Field(description="null in the total")
    received: int = Field(description="By month of receipt")
    decided: int = Field(description="Answered in the month")
    average_working_days: float | None
    extended: int
    overdue: int = Field(description="Deadlines (effective_due_on) of the month missed")
    granted: int
    granted_partly: int
    granted_total: int
    refused: int
    refused_by_reason: RefusalsByReason
    withdrawn: int
    objections: int
    objection_average_working_days: float | None


class Statistics(Output):
    year: int
    semester: int | None
    title: str
    months: list[MonthRow]
    total: MonthRow
    refusal_reasons: list[dict[str, Any]]
    objections_by_ground: list[dict[str, Any]] = Field(
        description="Per month, counts by UU KIP Ps. 35(1) ground: "
        + "; ".join(GROUND_LABELS.values())
    )
    dispute_summary: list[dict[str, Any]]
    disputes: list[dict[str, Any]]


class Section(Output):
    section: str
    title: str
    body: str
    filled: bool
    updated_at: str | None = DateTime
    updated_by: str | None


class SectionList(Output):
    year: int
    items: list[Section]


# --- requests and objections ----------------------------------------------------------


class Challenge(Output):
    question: str
    token: str
    expires_in: int


class InformationRequest(Output):
    number: str
    state: Literal[REQUEST_STATES]
    channel: str
    received_at: str = DateTime
    due_on: str = Day
    updated_at: str = DateTime
    information_requested: str
    how_to_obtain: str
    delivery: str | None
    addressed_to: OrganisationRef | None = Field(
        description="The OPD the requester addressed it to (a hint), or null"
    )
    url: str
    status_url: str
    receipt_url: str
    secret: str
