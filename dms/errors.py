"""Domain errors raised by services; the web layer maps each to one HTTP status."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a user can be shown; `code` is stable for API clients."""

    code = "error"
    # Seconds after which trying again may work (the Retry-After header), if any.
    retry_after: int | None = None

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """Absent, or hidden from the actor: the two look the same on purpose."""

    code = "not_found"


class Unauthenticated(DomainError):
    code = "unauthenticated"


class Forbidden(DomainError):
    code = "forbidden"


class InvalidTransition(DomainError):
    code = "invalid_transition"


class Conflict(DomainError):
    code = "conflict"


class ValidationError(DomainError):
    code = "validation_error"

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class BadInput(DomainError):
    code = "bad_request"


class EmptyFile(BadInput):
    code = "empty_file"


class FileTooLarge(DomainError):
    code = "file_too_large"


class UnsupportedFileType(DomainError):
    code = "unsupported_file_type"


class TooManyRequests(DomainError):
    """The caller has too many requests of this kind running; retry shortly."""

    code = "too_many_requests"
    retry_after = 5


class Unavailable(DomainError):
    """A part of the system is down or not ready; trying again later may work."""

    code = "unavailable"
    retry_after = 30


class SearchUnavailable(Unavailable):
    code = "search_unavailable"


class DamagedVersion(Unavailable):
    """The stored bytes are missing or fail their SHA-256: never served as intact."""

    code = "version_damaged"


class SearchTimedOut(SearchUnavailable):
    """A search ran past its time limit and was stopped."""

    code = "search_timeout"
    retry_after = 10
