"""What the API accepts, in one place: a pydantic model for every JSON body, form
and query string under /api/v1. The views parse their input with
dms.web.api.base.parse_json / parse_query / parse_form, and dms.web.api.openapi
writes the components of /api/v1/openapi.json from the same models.

Two kinds of field. A plain annotation (StrictStr, QueryInt...) is checked
here, at the edge, with the Indonesian message of `messages` or of
dms.web.api.base. A field marked `ByService[...]` is checked by the service the
view calls (the same rules hold for the CLI and the pages, with the service's
own messages); the model only describes it, and hands the value on as sent."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SkipValidation,
    StrictInt,
    StrictStr,
)
from pydantic_core import PydanticCustomError

from dms import workdays as calendar
from dms.categories import CATEGORIES
from dms.classification.exemptions import OPENING_AUTHORITIES, RECORD_TEXTS
from dms.documents.models import DIP_FORMS, STATUSES
from dms.documents.services import MAX_LENGTHS
from dms.errors import BadInput, DomainError, ValidationError
from dms.indexing.index import SORTS as SEARCH_SORTS
from dms.monitoring.annual import PROSE
from dms.requests.models import (
    CHANNELS,
    DELIVERIES,
    DISPUTE_DECISIONS,
    GROUNDS,
    HEARING_KINDS,
    HOW_TO_OBTAIN,
    OBJECTION_DECISIONS,
    REQUEST_STATES,
    REQUESTER_KINDS,
)
from dms.workdays import DAY_KINDS, OTHER

# Ids and numbers are 32-bit integers in the database.
MAX_ID = 2**31 - 1
MAX_PAGE = 100_000
GROUND_LETTERS = tuple("abcdefghij")
TEST_DECISIONS = ("exempt_whole", "exempt_part", "not_exempt")
PERIOD_KINDS = ("date", "duration", "event", "indefinite")

# Checked by the service the view calls; described here, handed on as sent.
ByService = SkipValidation
NO_FILE = "Lampirkan berkas pada kolom 'file' (multipart/form-data)."


def _whole_number(value: Any) -> Any:
    """A query value as int() reads it (" 7", "+7"), else a clear refusal."""
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            raise PydanticCustomError("int_parsing", "not an integer") from None
    return value


# An integer in a query string, read like int() reads it.
QueryInt = Annotated[int, BeforeValidator(_whole_number)]


def _form_bool(value: Any) -> Any:
    if value == "":
        return None
    if isinstance(value, str):
        lowered = value.lower()
        if lowered in ("true", "1", "yes", "ya"):
            return True
        if lowered in ("false", "0", "no", "tidak"):
            return False
        raise PydanticCustomError("bool_parsing", "not a boolean")
    return value


# true/false in a form field, also 1/0, yes/no, ya/tidak.
FormBool = Annotated[bool, BeforeValidator(_form_bool)]


def _drop_required(schema: dict[str, Any]) -> None:
    schema.pop("required", None)


def _input_schema(schema: dict[str, Any], model: type) -> None:
    """Name the fields the service requires; drop the defaults that only mean
    "not given" (None, or "" for a choice) and so fit no schema."""
    names = getattr(model, "required_by_service", ())
    if names:
        schema["required"] = [*schema.get("required", []), *names]
    for prop in schema.get("properties", {}).values():
        if "default" in prop and not _fits(prop["default"], prop):
            del prop["default"]


def _fits(default: Any, prop: dict[str, Any]) -> bool:
    if default is None:
        return {"type": "null"} in prop.get("anyOf", [])
    return "enum" not in prop or default in prop["enum"]


class Input(BaseModel):
    """An input model. `error` is the refusal of a bad field (422 validation
    error, or 400 bad request where the API has always said so; `field_errors`
    for a field that differs); `messages` overrides the generic Indonesian
    sentence for a field ("name", or "name:missing" for one kind of error)."""

    model_config = ConfigDict(
        extra="ignore",
        hide_input_in_errors=True,
        json_schema_extra=_input_schema,
    )
    error: ClassVar[type[DomainError]] = ValidationError
    field_errors: ClassVar[dict[str, type[DomainError]]] = {}
    messages: ClassVar[dict[str, str]] = {}
    # Query fields whose empty value ("?year=") is a value, not an absence.
    keeps_empty: ClassVar[frozenset[str]] = frozenset()
    # Form fields that are files (multipart/form-data).
    file_fields: ClassVar[tuple[str, ...]] = ()
    # Fields the service requires (and refuses in its own words when absent).
    required_by_service: ClassVar[tuple[str, ...]] = ()


class Output(BaseModel):
    """A response shape, for the document only: no field is promised always."""

    model_config = ConfigDict(json_schema_extra=_drop_required)


# --- documents -----------------------------------------------------------------------


class DocumentQuery(Input):
    """GET /documents: a listing, or a search with q."""

    q: ByService[str] = Field(
        "",
        max_length=500,
        description='Full-text query: all words required; "a phrase"; OR between '
        'words or phrases; -word or -"a phrase" to exclude; a trailing * on a word '
        "of 3+ letters (anggar*). Other punctuation ([a TO z], field:, ^, ~, ?) is "
        "plain text; NOT, a dangling OR, a misplaced *, a quote without its pair "
        "and more than 30 words or 500 characters get 400. A regulation type, a "
        "government acronym (bbm, monev) and a number after semester/triwulan also "
        "find their other written forms; when no document has every word, the "
        "documents with most of them answer (partial)",
    )
    category: ByService[Literal[CATEGORIES]] | None = Field(
        None, description="Filter by category"
    )
    org: str | None = Field(None, description="Filter by organisation slug")
    year: QueryInt = Field(None, ge=1, le=9999, description="Filter by year")
    status: ByService[Literal[STATUSES]] | None = Field(
        None, description="Filter by status"
    )
    page: QueryInt = Field(None, ge=1, le=MAX_PAGE, description="1-based page")
    per_page: QueryInt = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="Items per page (at most the archive's max_per_page, 100 by "
        "default)",
    )
    sort: ByService[Literal[SEARCH_SORTS]] | None = Field(
        None, description="Order (default: relevance with q, newest without)"
    )


def _dip_descriptions() -> dict[str, str]:
    return {
        "dip_unit": "Unit that holds the information",
        "dip_responsible": "Person responsible for producing it",
        "dip_production_time": "Time of production",
        "dip_production_place": "Place of production",
        "dip_form": f"Forms available, comma-separated: {', '.join(DIP_FORMS)}",
        "dip_retention": "Retention period",
    }


DIP = _dip_descriptions()


def _text(name: str, description: str | None = None, default: Any = None):
    """A text field the document service checks, with its length limit."""
    return Field(default, max_length=MAX_LENGTHS.get(name), description=description)


class DocumentFields(Input):
    """What the upload form and PATCH share: the document's metadata."""

    title: ByService[str] = _text("title")
    category: ByService[Literal[CATEGORIES]] = None
    year: ByService[int] = None
    summary: ByService[str] = _text("summary")
    info_type: ByService[str] = _text("info_type")
    refresh_months: ByService[int] = Field(
        None,
        ge=1,
        le=6,
        description="Berkala: months within which a new version is due "
        "(default 6, at most 6: UU KIP Ps. 9(3))",
    )
    event_at: ByService[str] = Field(
        None,
        json_schema_extra={"format": "date-time"},
        description="Serta merta: when the event happened (with its time zone)",
    )
    dip_unit: ByService[str] = _text("dip_unit", DIP["dip_unit"])
    dip_responsible: ByService[str] = _text("dip_responsible", DIP["dip_responsible"])
    dip_production_time: ByService[str] = _text(
        "dip_production_time", DIP["dip_production_time"]
    )
    dip_production_place: ByService[str] = _text(
        "dip_production_place", DIP["dip_production_place"]
    )
    dip_form: ByService[str] = _text("dip_form", DIP["dip_form"])
    dip_retention: ByService[str] = _text("dip_retention", DIP["dip_retention"])


class DocumentChanges(DocumentFields):
    """PATCH /documents/{id}: the fields to change (not an exemption). The
    service refuses a field it may not change, by name."""

    model_config = ConfigDict(extra="allow")
    pinned: ByService[bool] = Field(
        None, description="Serta merta: pinned on the portal's home page"
    )


class Upload(DocumentFields):
    """POST /documents (multipart/form-data): a document with its first version."""

    title: ByService[str] = _text("title", default="")
    category: ByService[Literal[CATEGORIES]] = ""
    summary: ByService[str] = _text("summary", default="")
    info_type: ByService[str] = _text("info_type", default="")
    file: ByService[bytes]
    org: str | None = Field(None, description="Slug; default: yours")
    propose_exemption: str = Field(
        "",
        description="Why the document should be exempt: it stays a draft and a "
        "consequence test is proposed in the same step (category dikecualikan "
        "itself is refused at upload)",
    )
    publish: FormBool | None = Field(
        None,
        description="Serta merta publishes at once by default; other categories "
        "go to the PPID Utama unless you are one",
    )
    error = ValidationError
    file_fields = ("file",)
    field_errors = {"file": BadInput}
    messages = {
        "publish": "'publish' harus true atau false.",
        "file": NO_FILE,
    }
    required_by_service = ("title", "category")


class NewVersion(Input):
    """POST /documents/{id}/versions (multipart/form-data)."""

    file: ByService[bytes]
    note: str = ""
    file_fields = ("file",)
    field_errors = {"file": BadInput}
    messages = {"file": NO_FILE}


class Publish(Input):
    """POST /documents/{id}/publish, optional: the version the approver reviewed."""

    version: StrictInt | None = Field(
        None,
        description="The version the approver reviewed; 409 when a newer one has "
        "arrived since",
    )
    messages = {"version": "'version' harus berupa nomor versi."}


class Reason(Input):
    """POST /documents/{id}/return and /decline-version, optional: why."""

    reason: StrictStr = Field(
        "",
        description="Why (at most 1000 characters); kept in the audit and emailed "
        "to the organisation's PPID Pelaksana",
    )
    messages = {"reason": "'reason' harus berupa teks."}


# --- tokens ---------------------------------------------------------------------------


class Credentials(Input):
    """POST /auth/token."""

    username: StrictStr
    password: StrictStr
    error = BadInput
    messages = {
        "username": "Kirim 'username' dan 'password' sebagai teks.",
        "password": "Kirim 'username' dan 'password' sebagai teks.",
    }


# --- suggestions ----------------------------------------------------------------------


class SuggestionInput(Input):
    """POST /classification/suggest."""

    title: StrictStr = Field("", max_length=500)
    info_type: StrictStr = Field("", max_length=128)
    text: StrictStr = Field("", description="Only the first 20,000 characters are read")
    required_by_service = ("title",)


# --- calendar -------------------------------------------------------------------------


class CalendarQuery(Input):
    """GET /calendar."""

    year: QueryInt = Field(
        None,
        ge=calendar.MIN_YEAR,
        le=calendar.MAX_YEAR,
        description="Default: the current year",
    )


DEFAULT_DUE_DAYS = 10  # the written answer to a request (UU KIP Ps. 22(7))


class DueQuery(Input):
    """GET /calendar/due."""

    received: str = Field(
        description="YYYY-MM-DD, or an ISO time (without an offset: the configured "
        "time zone)"
    )
    days: QueryInt = Field(
        None,
        ge=1,
        le=calendar.MAX_DAYS,
        description=f"Working days (default {DEFAULT_DUE_DAYS})",
    )
    messages = {"received:missing": "Isi 'received' dengan tanggal penerimaan."}


class CalendarDayInput(Input):
    """PUT /calendar/days/{date}."""

    name: ByService[str] = Field(None, max_length=255)
    kind: ByService[Literal[DAY_KINDS]] = OTHER
    day_off: ByService[bool] = True
    required_by_service = ("name",)


class MergeInput(Input):
    """POST /calendar/merge; the service checks the year's range."""

    year: StrictInt = Field(
        json_schema_extra={"minimum": calendar.MIN_YEAR, "maximum": calendar.MAX_YEAR}
    )
    messages = {"year": "'year' harus berupa bilangan bulat."}


# --- consequence tests ----------------------------------------------------------------


class ConsequenceTestQuery(Input):
    """GET /consequence-tests."""

    state: str | None = Field(None, description="Filter by state")
    org: str | None = Field(None, description="Organisation slug")
    document: QueryInt = Field(None, ge=1, le=MAX_ID, description="Document id")


class Proposal(Input):
    """POST /documents/{id}/consequence-tests."""

    reason: ByService[str] = None
    ground_letter: ByService[Literal[GROUND_LETTERS]] = None
    required_by_service = ("reason",)


class ExemptionPeriod(Input):
    kind: Literal[PERIOD_KINDS]
    value: str = Field(
        None,
        description="date: YYYY-MM-DD; duration: ISO 8601 such as P5Y or P18M "
        "(from the approval); event: the event that ends it; indefinite: nothing "
        "(grounds g-j only)",
    )


def _record_text(name: str, description: str | None = None):
    return Field(None, max_length=RECORD_TEXTS[name], description=description)


class ConsequenceTestRecord(Input):
    """PUT /consequence-tests/{id}/record: the lembar pengujian konsekuensi. The
    service checks every field, and which it needs for the decision."""

    model_config = ConfigDict(extra="allow")
    test_date: ByService[str] = Field(None, json_schema_extra={"format": "date"})
    place: ByService[str] = _record_text("place")
    specific_information: ByService[str] = _record_text("specific_information")
    source_documents: ByService[str] = _record_text("source_documents")
    ground_letter: ByService[Literal[GROUND_LETTERS]] = Field(
        None, description="UU 14/2008 Ps. 17; required unless not_exempt"
    )
    ground_subitem: ByService[str] = _record_text("ground_subitem", "Required for a, h")
    other_statute: ByService[str] = _record_text("other_statute", "Required for j")
    consequence_if_opened: ByService[str] = _record_text("consequence_if_opened")
    consequence_if_closed: ByService[str] = _record_text(
        "consequence_if_closed", "Consequence if closed / public interest weighed"
    )
    decision: ByService[Literal[TEST_DECISIONS]] = None
    period: ByService[ExemptionPeriod] = None
    participants: ByService[list[str]] = Field(None, min_length=1)
    required_by_service = (
        "test_date",
        "place",
        "specific_information",
        "source_documents",
        "consequence_if_opened",
        "consequence_if_closed",
        "decision",
        "participants",
    )


class RedactedVersion(Input):
    """POST /consequence-tests/{id}/redacted-version (multipart/form-data)."""

    file: ByService[bytes]
    title: str = ""
    summary: str = ""
    file_fields = ("file",)
    field_errors = {"file": BadInput}
    messages = {"file": NO_FILE}


class Note(Input):
    """POST /consequence-tests/{id}/reject, optional (the service requires it)."""

    note: StrictStr | None = None
    error = BadInput
    messages = {"note": "'note' harus berupa teks."}


class Approval(Input):
    """POST /consequence-tests/{id}/approve, optional."""

    note: StrictStr | None = None
    redacted_version: StrictInt | None = Field(
        None, description="Approve: the redacted public version reviewed"
    )
    error = BadInput
    messages = {
        "note": "'note' harus berupa teks.",
        "redacted_version": "'redacted_version' harus berupa nomor versi.",
    }
    # A wrong version number is a 422 (the text a 400), as it always was.
    field_errors = {"redacted_version": ValidationError}


class Opening(Input):
    """POST /consequence-tests/{id}/open."""

    authority: ByService[Literal[OPENING_AUTHORITIES]] = None
    reference: ByService[str] = None
    decided_on: ByService[str] = Field(None, json_schema_extra={"format": "date"})
    note: ByService[str] = None
    required_by_service = ("authority", "reference", "decided_on")


# --- registers, reports ---------------------------------------------------------------


class RegisterQuery(Input):
    """GET /dip and /dik."""

    org: str | None = Field(None, description="Organisation slug; 404 when unknown")


class ReportQuery(Input):
    """GET /reports/annual/{year}."""

    format: Literal["json", "pdf", "xlsx"] = Field("json", description="Default json")
    messages = {"format": "Format harus json, pdf atau xlsx."}
    keeps_empty = frozenset({"format"})


class StatisticsQuery(Input):
    """GET /statistics/requests; the page's own year and semester rules apply."""

    year: ByService[int] = Field(None, description="Default: this year")
    semester: ByService[Literal[1, 2]] = Field(
        None, description="Default: the whole year"
    )


class SectionInput(Input):
    """PUT /reports/annual/{year}/sections/{section}."""

    body: ByService[str] = None
    required_by_service = ("body",)


SECTIONS = tuple(PROSE)


# --- requests -------------------------------------------------------------------------


class RequestInput(Input):
    """POST /requests (JSON or multipart/form-data); the service checks it."""

    model_config = ConfigDict(extra="allow")
    requester_kind: ByService[Literal[REQUESTER_KINDS]] = None
    name: ByService[str] = None
    identity_number: ByService[str] = None
    address: ByService[str] = None
    occupation: ByService[str] = None
    phone: ByService[str] = None
    email: ByService[str] = None
    information_requested: ByService[str] = None
    purpose: ByService[str] = None
    how_to_obtain: ByService[Literal[HOW_TO_OBTAIN]] = None
    delivery: ByService[Literal[DELIVERIES]] = None
    proxy: ByService[bool] = None
    channel: ByService[Literal[CHANNELS]] = Field(
        None, description="Officers only; citizens always file through the web"
    )
    opd: ByService[str] = Field(
        None,
        description="Optional: the slug of the OPD the requester addresses the "
        "request to; a hint for the PPID Utama's disposition, not a disposition",
    )
    challenge_token: ByService[str] = None
    challenge_answer: ByService[str] = None
    required_by_service = (
        "requester_kind",
        "name",
        "identity_number",
        "address",
        "email",
        "information_requested",
        "purpose",
        "how_to_obtain",
    )


class RequestForm(RequestInput):
    identity: bytes = Field(None, json_schema_extra={"format": "binary"})
    proxy_letter: bytes = Field(None, json_schema_extra={"format": "binary"})


class RequestListQuery(Input):
    """GET /requests (officers)."""

    state: Literal[REQUEST_STATES] | None = Field(None, description="Only this state")
    flag: Literal["overdue", "due_soon"] | None = Field(
        None, description="Only flagged"
    )
    organisation: str | None = Field(None, description="Disposed to this OPD")
    year: Annotated[str, Field(pattern=r"^\d{4}$")] | None = Field(
        None, description="Registration year"
    )
    format: ByService[Literal["json", "csv"]] = Field(
        None, description="csv: masked export"
    )
    error = BadInput
    messages = {
        "state": "state harus salah satu dari: " + ", ".join(REQUEST_STATES),
        "flag": "flag harus overdue atau due_soon.",
        "year": "year harus tahun empat angka.",
    }
    keeps_empty = frozenset({"year"})


class ReaderQuery(Input):
    """The requester reading their own request: the email or the secret."""

    email: str | None = Field(None, description="The requester's email")
    secret: str | None = Field(None, description="The status secret")


class Withdrawal(Input):
    """POST /requests/{number}/withdraw."""

    secret: StrictStr
    error = BadInput
    messages = {"secret": "Kirim kunci status sebagai 'secret'."}


class Disposition(Input):
    """POST /requests/{number}/dispose."""

    organisations: list[ByService[str]]
    subject: ByService[str] = ""
    note: ByService[str] = ""
    error = BadInput
    messages = {"organisations": "Kirim 'organisations' sebagai daftar slug OPD."}


class Extension(Input):
    """POST /requests/{number}/extend."""

    days: ByService[int] = Field(None, ge=1, le=7)
    reason: ByService[str] = ""
    required_by_service = ("days", "reason")


def _no_documents(value: Any) -> Any:
    return value or []


class Answer(Input):
    """POST /requests/{number}/answer (JSON, or multipart with 'attachments')."""

    outcome: ByService[str] = None
    answer_text: ByService[str] = ""
    documents: Annotated[list[ByService[int]], BeforeValidator(_no_documents)] = []
    consequence_test: ByService[str] = Field(
        None,
        description="The approved test's number: required for refused_exempt_* and "
        "for granted_partly (the Ps. 17 basis of the withheld part, stated in the "
        "notice)",
    )
    holder_name: ByService[str] = ""
    cost: ByService[int] = Field(0, ge=0)
    error = BadInput
    messages = {"documents": "Kirim 'documents' sebagai daftar ID dokumen."}
    required_by_service = ("outcome",)


class AnswerForm(Answer):
    """POST /requests/{number}/answer as multipart/form-data, with files."""

    attachments: ByService[list[bytes]] = []
    file_fields = ("attachments",)


# --- objections -----------------------------------------------------------------------


class ObjectionInput(Input):
    """POST /objections; the service checks the objection itself."""

    model_config = ConfigDict(extra="allow")
    ground: ByService[Literal[GROUNDS]] = None
    grounds: ByService[list[Literal[GROUNDS]]] = Field(None, min_length=1)
    received_on: ByService[str] = Field(None, json_schema_extra={"format": "date"})
    reasons: ByService[str] = None
    request: StrictStr | None = None
    request_secret: StrictStr | None = None
    request_email: StrictStr | None = Field(
        None,
        description="Instead of request_secret: the email the request was filed "
        "with (as the status check accepts)",
    )
    name: ByService[str] = None
    identity_number: ByService[str] = None
    address: ByService[str] = None
    phone: ByService[str] = None
    email: ByService[str] = None
    challenge_token: ByService[str] = None
    challenge_answer: ByService[str] = None
    error = BadInput
    messages = {
        "request": "'request' harus berupa teks.",
        "request_secret": "'request_secret' harus berupa teks.",
        "request_email": "'request_email' harus berupa teks.",
    }
    required_by_service = ("reasons",)


class SecretQuery(Input):
    secret: str = Field("", description="The objection's status secret")


class ObjectionDecision(Input):
    decision: ByService[Literal[OBJECTION_DECISIONS]] = ""
    decision_text: ByService[str] = ""
    required_by_service = ("decision", "decision_text")


class DisputeInput(Input):
    register_number: ByService[str] = ""
    filed_on: ByService[str] = Field(None, json_schema_extra={"format": "date"})
    required_by_service = ("register_number", "filed_on")


class HearingInput(Input):
    held_on: ByService[str] = Field(None, json_schema_extra={"format": "date"})
    kind: ByService[Literal[HEARING_KINDS]] = ""
    note: ByService[str] = ""
    required_by_service = ("held_on", "kind")


class DisputeDecision(Input):
    decision: ByService[Literal[DISPUTE_DECISIONS]] = ""
    decision_number: ByService[str] = ""
    decided_on: ByService[str] = Field(None, json_schema_extra={"format": "date"})
    decision_text: ByService[str] = ""
    open_test: ByService[str] = Field(
        None, description="A consequence test's number: opens its document"
    )
    required_by_service = ("decision", "decision_number", "decided_on")
