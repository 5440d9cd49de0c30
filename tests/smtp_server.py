"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, on a free port.

    def test_something(smtp_server, test_config):
        app = create_app({**test_config, "smtp_url": smtp_server.url,
                          "queue_url": "immediate"})
        ...
        [received] = smtp_server.messages
        assert received["Subject"] == "Permohonan diterima"
        assert "PPID-2026-000001" in received.get_content()

`messages` holds each received email parsed with the email package's default
policy, so headers come back decoded (RFC 2047) and `get_content()` gives the
decoded body; `raw` the bytes as sent. `envelopes` holds (MAIL FROM, RCPT TO
list) per message; addresses put in `refused` get a 550 at RCPT TO. `stop()`
and `start()` take the server down and bring it back on the same port. A server
that requires a login is `SmtpServer(credentials=("user", "password"))`; one
that speaks TLS is `SmtpServer(tls="starttls")` (STARTTLS required) or
`SmtpServer(tls="implicit")` (smtps://), with a certificate for 127.0.0.1 from a
test CA that `write_ca(path)` saves, for SSL_CERT_FILE.
"""

from __future__ import annotations

import email
import socket
import ssl
import threading
from email import policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class _Collector:
    """The aiosmtpd handler: keeps every message it is given."""

    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_RCPT(self, _smtp, _session, envelope, address, _options) -> str:
        if address in self.server.refused:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _smtp, _session, envelope) -> str:
        # As a mail store would keep it: line ends as LF, not the wire's CRLF.
        stored = envelope.content.replace(b"\r\n", b"\n")
        parsed = email.message_from_bytes(stored, policy=policy.default)
        with self.server.lock:
            self.server.raw.append(envelope.content)
            self.server.messages.append(parsed)
            self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class SmtpServer:
    """An SMTP server collecting what it receives; a context manager."""

    def __init__(self, credentials: tuple[str, str] | None = None, tls: str = ""):
        assert tls in ("", "starttls", "implicit")
        self.port = free_port()
        self.credentials = credentials
        self.tls = tls
        self.ca = trustme.CA() if tls else None
        self.messages: list[EmailMessage] = []
        # The bytes of each message as they came over the wire.
        self.raw: list[bytes] = []
        # Recipients refused with 550 at RCPT TO.
        self.refused: set[str] = set()
        self.envelopes: list[tuple[str, list[str]]] = []
        # The user names that logged in, successfully or not, with the outcome.
        self.logins: list[tuple[str, bool]] = []
        self.lock = threading.Lock()
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        """smtp://127.0.0.1:PORT, with user:password@ when it requires a login,
        smtps:// or ?starttls=true when it speaks TLS."""
        scheme = "smtps" if self.tls == "implicit" else "smtp"
        query = "?starttls=true" if self.tls == "starttls" else ""
        login = ""
        if self.credentials:
            user, password = (quote(part, safe="") for part in self.credentials)
            login = f"{user}:{password}@"
        return f"{scheme}://{login}{HOST}:{self.port}{query}"

    def write_ca(self, path: Path) -> Path:
        """The test CA's certificate, to trust through SSL_CERT_FILE."""
        self.ca.cert_pem.write_to_path(str(path))
        return path

    def start(self) -> SmtpServer:
        kwargs = {}
        if self.credentials:
            # Plain-text AUTH without TLS, acceptable on the loopback of a test.
            kwargs.update(
                authenticator=self._authenticate,
                auth_require_tls=False,
                auth_required=False,
            )
        if self.tls == "starttls":
            kwargs.update(tls_context=self._server_context(), require_starttls=True)
        elif self.tls == "implicit":
            kwargs.update(ssl_context=self._server_context())
        self.controller = Controller(
            _Collector(self), hostname=HOST, port=self.port, **kwargs
        )
        self.controller.start()
        return self

    def _server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert(HOST).configure_cert(context)
        return context

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()

    def _authenticate(self, _smtp, _session, _envelope, _mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user = auth_data.login.decode()
        accepted = self.credentials == (user, auth_data.password.decode())
        with self.lock:
            self.logins.append((user, accepted))
        # handled=False: aiosmtpd answers the refusal (535) itself.
        return AuthResult(success=accepted, handled=False)


@pytest.fixture
def smtp_server():
    """A running SMTP server on 127.0.0.1 with `.url` and `.messages`."""
    with SmtpServer() as server:
        yield server
