"""A real SMTP server on 127.0.0.1 for the digest tests (aiosmtpd), plain, STARTTLS or TLS, with AUTH.

It records every accepted message with its envelope and whether the session was
encrypted and authenticated; a test can make it refuse an address (5xx at RCPT)
or answer the next DATA commands with given codes (a 451, say).
"""

from __future__ import annotations

import datetime as dt
import email
import ipaddress
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USER, PASSWORD = "digest", "s3cret pass"


@dataclass
class Received:
    """One message the server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    tls: bool
    authenticated: bool

    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=default)


@dataclass
class Handler:
    """What the server does: accept, refuse addresses, or fail DATA with the queued codes."""

    refuse: dict[str, str] = field(default_factory=dict)
    data_answers: list[str] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.data_answers:
            return self.data_answers.pop(0)
        encrypted = server.transport.get_extra_info("ssl_object") is not None  # STARTTLS or TLS
        seen = Received(
            envelope.mail_from,
            list(envelope.rcpt_tos),
            envelope.content,
            encrypted,
            bool(session.authenticated),
        )
        self.received.append(seen)
        return "250 Message accepted"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        login = auth_data.login.decode() if isinstance(auth_data.login, bytes) else ""
        password = auth_data.password.decode() if isinstance(auth_data.password, bytes) else ""
        self.logins.append(login)
        return AuthResult(success=(login, password) == (USER, PASSWORD))

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]


class _Controller(Controller):
    """aiosmtpd's Controller, but on a free port: port 0, then read back the real one."""

    def _trigger_server(self) -> None:
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (IP SAN) and its key, written to folder."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class SmtpServer:
    """A running server: `mode` is plain, starttls or tls (implicit); `auth` requires a login."""

    def __init__(self, folder: Path, *, mode: str = "plain", auth: bool = False) -> None:
        self.handler = Handler()
        self.cert, key = self_signed(folder)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, key)
        kwargs: dict[str, Any] = {"server_hostname": "localhost", "ready_timeout": 10}
        if mode == "starttls":
            kwargs |= {"tls_context": context, "require_starttls": True}
        if mode == "tls":
            # aiosmtpd only counts STARTTLS as TLS for AUTH; this connection is TLS from the start.
            kwargs |= {"ssl_context": context, "auth_require_tls": False}
        if auth:
            kwargs |= {"authenticator": self.handler.authenticate, "auth_required": True}
        self.scheme = "smtps" if mode == "tls" else "smtp"
        self.controller = _Controller(self.handler, hostname="127.0.0.1", port=0, **kwargs)
        self.controller.start()

    def url(self, user: str = "", password: str = "") -> str:
        from urllib.parse import quote

        login = f"{quote(user, safe='')}:{quote(password, safe='')}@" if user else ""
        return f"{self.scheme}://{login}127.0.0.1:{self.controller.port}"

    def stop(self) -> None:
        self.controller.stop()
