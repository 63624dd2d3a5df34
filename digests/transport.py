"""Where digests go: an SMTP server (LEXWATCH_SMTP_URL), or the outbox Maildir without one.

This is the network half of digests/send.py, kept apart so that each stays
small. `smtp://user:pass@host:587` speaks STARTTLS (required on port 587, used
whenever the server offers it); `smtps://user:pass@host:465` is TLS from the
first byte. A password is never sent over a connection that is not encrypted.
One connection is kept open for a whole run and reopened after any failure.

`classify` says what a failure means: try again later (connection refused, a
4xx answer), the address does not exist (a 5xx answer to RCPT: a bounce), or
give up now (authentication, certificate, a 5xx to the message).
"""

from __future__ import annotations

import contextlib
import mailbox
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Protocol
from urllib.parse import unquote, urlsplit

from vocab.errors import ConfigError, LexwatchError

DEFAULT_PORTS = {"smtp": 587, "smtps": 465}


class Transport(Protocol):
    """Something that delivers one message to one address, or raises."""

    def send(self, message: EmailMessage, *, sender: str, to: str) -> None: ...

    def reset(self) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class SmtpTarget:
    """The parts of LEXWATCH_SMTP_URL."""

    scheme: str
    host: str
    port: int
    user: str = ""
    password: str = ""


def parse_smtp_url(url: str) -> SmtpTarget:
    """`smtp://user:pass@host:587` or `smtps://…:465` as its parts; anything else is a ConfigError."""
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or port == -1:
        raise ConfigError(
            "LEXWATCH_SMTP_URL must look like smtp://user:pass@host:587 or smtps://user:pass@host:465"
        )
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    return SmtpTarget(
        parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme], user, password
    )


class SmtpTransport:
    """Delivery through an SMTP server, over one connection kept for the whole run."""

    def __init__(
        self, target: SmtpTarget, *, timeout: float, context: ssl.SSLContext | None = None
    ):
        self.target, self.timeout = target, timeout
        self.context = context or ssl.create_default_context()
        self._connection: smtplib.SMTP | None = None

    def send(self, message: EmailMessage, *, sender: str, to: str) -> None:
        """Deliver one message; any failure raises (see `classify`)."""
        if self._connection is None:
            self._connection = self._connect()
        self._connection.send_message(message, from_addr=sender, to_addrs=[to])

    def _connect(self) -> smtplib.SMTP:
        t, helo = self.target, socket.gethostname()  # gethostname: no DNS lookup, unlike getfqdn
        if t.scheme == "smtps":
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                t.host, t.port, local_hostname=helo, timeout=self.timeout, context=self.context
            )
        else:
            connection = smtplib.SMTP(t.host, t.port, local_hostname=helo, timeout=self.timeout)
        try:
            self._secure_and_login(connection)
        except BaseException:
            _quietly_close(connection)
            raise
        return connection

    def _secure_and_login(self, connection: smtplib.SMTP) -> None:
        t = self.target
        encrypted = t.scheme == "smtps"
        if not encrypted:
            connection.ehlo()
            encrypted = self._starttls(connection)
        if t.user and not encrypted:
            raise ConfigError(
                f"the SMTP server {t.host}:{t.port} offers no STARTTLS: it would see the password "
                "in clear; use smtps:// or a server with STARTTLS"
            )
        if t.user:
            connection.login(t.user, t.password)

    def _starttls(self, connection: smtplib.SMTP) -> bool:
        if not connection.has_extn("starttls"):
            if self.target.port == 587:
                raise ConfigError(
                    f"the SMTP server {self.target.host}:587 offers no STARTTLS: "
                    "port 587 is for STARTTLS; check LEXWATCH_SMTP_URL"
                )
            return False
        connection.starttls(context=self.context)
        connection.ehlo()
        return True

    def reset(self) -> None:
        """Drop the connection after a failure; the next send opens a new one."""
        if self._connection is not None:
            _quietly_close(self._connection)
        self._connection = None

    def close(self) -> None:
        """Say goodbye to the server."""
        if self._connection is not None:
            # The server may have gone away first: nothing is lost by not saying goodbye.
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._connection.quit()
        self.reset()


def _quietly_close(connection: smtplib.SMTP) -> None:
    with contextlib.suppress(OSError):
        connection.close()


class MaildirTransport:
    """Delivery into a Maildir (the outbox) that any mail client can open."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.box = mailbox.Maildir(path, create=True)

    def send(self, message: EmailMessage, *, sender: str, to: str) -> None:
        """Write the message as one file (Maildir writes to tmp/ and renames: never half a mail)."""
        self.box.add(message.as_bytes(policy=message.policy.clone(linesep="\n")))

    def reset(self) -> None:
        """Nothing to reset."""

    def close(self) -> None:
        """Nothing to close."""


class Opened:
    """A transport for one run, closed when the run ends."""

    def __init__(self, transport: Transport):
        self.transport = transport

    def __enter__(self) -> Transport:
        return self.transport

    def __exit__(self, kind: type | None, exc: BaseException | None, tb: TracebackType | None):
        self.transport.close()


def open_transport(smtp_url: str, outbox: Path, *, timeout: float) -> Opened:
    """SMTP when a URL is set, else the outbox Maildir."""
    if smtp_url.strip():
        return Opened(SmtpTransport(parse_smtp_url(smtp_url), timeout=timeout))
    return Opened(MaildirTransport(outbox))


@dataclass(frozen=True)
class Failure:
    """What a failed delivery means: `retry`, `bounce` or `fail`; `down`: no server answered."""

    kind: str
    error: str
    down: bool = False


def classify(exc: BaseException) -> Failure:
    """The meaning of a delivery error (checked most specific first: SMTP errors are OSErrors)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in exc.recipients.values()]
        kind = "bounce" if any(code >= 500 for code in codes) else "retry"
        return Failure(kind, _describe(exc.recipients))
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return Failure("fail", f"the SMTP server refused the login: {exc.smtp_code} {_text(exc)}")
    if isinstance(exc, smtplib.SMTPResponseException):
        kind = "retry" if 400 <= exc.smtp_code < 500 else "fail"
        return Failure(kind, f"the SMTP server answered {exc.smtp_code} {_text(exc)}")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return Failure("fail", f"the SMTP server's certificate is not trusted: {exc}")
    if isinstance(exc, LexwatchError | smtplib.SMTPNotSupportedError):
        return Failure("fail", str(exc))
    return Failure("retry", f"could not reach the SMTP server: {exc or type(exc).__name__}", True)


def _text(exc: smtplib.SMTPResponseException) -> str:
    raw = exc.smtp_error
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _describe(recipients: dict) -> str:
    parts = []
    for address, (code, text) in recipients.items():
        said = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        parts.append(f"{address}: {code} {said}")
    return "the SMTP server refused " + "; ".join(parts)
