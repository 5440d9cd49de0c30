"""The exemption workflow (DOMAIN.md §3): propose, record, decide, expire, open.

A document becomes `dikecualikan` only here, when the atasan PPID approves a
consequence test the PPID Utama recorded. Decided tests never change; a renewal
is a new test that supersedes the old one. At the end of its period an exemption
lapses by law: the expiry job opens the document, whatever drafts are waiting.

One module per job; this package gives their public names, so callers write
`exemptions.approve(...)`.
"""

from dms.classification.exemptions.deciding import (
    approve,
    public_body_name,
    reject,
)
from dms.classification.exemptions.expiry import (
    Calendar,
    ExpiryReport,
    expire_exemptions,
    open_by_decision,
    run_expiry,
)
from dms.classification.exemptions.proposing import (
    cancel,
    propose,
    upload_document,
)
from dms.classification.exemptions.reading import (
    COURT,
    EVENT,
    EXPIRY,
    KOMISI_INFORMASI,
    LAST_END,
    LIFECYCLE_FIELDS,
    MAX_LIMITED_YEARS,
    MAX_RECORD_AGE_YEARS,
    MAX_TEXT,
    NUMBER_SERIES,
    OPEN_STATES,
    OPENING_AUTHORITIES,
    RECORD_FIELDS,
    RECORD_TEXTS,
    RENEWAL,
    STATE_LABELS,
    WARNING_WORKING_DAYS,
    get_test,
    list_tests,
)
from dms.classification.exemptions.recording import (
    DURATION,
    record,
    validated_record,
)
from dms.classification.exemptions.redaction import (
    attach_redacted_version,
)

__all__ = [
    "COURT",
    "Calendar",
    "DURATION",
    "EVENT",
    "EXPIRY",
    "ExpiryReport",
    "KOMISI_INFORMASI",
    "LAST_END",
    "LIFECYCLE_FIELDS",
    "MAX_LIMITED_YEARS",
    "MAX_RECORD_AGE_YEARS",
    "MAX_TEXT",
    "NUMBER_SERIES",
    "OPENING_AUTHORITIES",
    "OPEN_STATES",
    "RECORD_FIELDS",
    "RECORD_TEXTS",
    "RENEWAL",
    "STATE_LABELS",
    "WARNING_WORKING_DAYS",
    "approve",
    "attach_redacted_version",
    "cancel",
    "expire_exemptions",
    "get_test",
    "list_tests",
    "open_by_decision",
    "propose",
    "public_body_name",
    "record",
    "reject",
    "run_expiry",
    "upload_document",
    "validated_record",
]
