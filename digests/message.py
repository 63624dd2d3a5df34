"""A composed digest as an email message: multipart/alternative, text first, then HTML. Pure.

Every header value passes through `header_safe`: a carriage return or line feed
in a name, a subject or a URL would otherwise start a new header (`Bcc: …`).
The policy is SMTP's (CRLF line ends, lines folded at 78), which is also what
makes `email` refuse any header value that still held a line break.

A subject in another language is not ASCII. Python 3.11's folder drops the space
between two encoded words it splits a line at ("2025: 5 Änderungen" arrives as
"2025:5 Änderungen"), so a non-ASCII subject is encoded by `email.header.Header`,
which keeps it, and stored as those ASCII lines (`_Policy`).
"""

from __future__ import annotations

from datetime import datetime
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, make_msgid, parseaddr

from digests.model import DigestEmail

NAME_MAX = 60


class _Policy(EmailPolicy):
    """SMTP's policy (CRLF, lines of 78), with a non-ASCII subject encoded as it should be."""

    def header_store_parse(self, name: str, value: str) -> tuple[str, str]:  # type: ignore[override]
        if name.lower() == "subject" and isinstance(value, str) and not value.isascii():
            return name, Header(value, "utf-8", header_name=name).encode(linesep="\n")
        return super().header_store_parse(name, value)


SMTP = _Policy(linesep="\r\n")


def header_safe(value: str) -> str:
    """A header value on one line: control characters (CR, LF, NUL…) become spaces."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())


def display_name(name: str) -> str:
    """A recipient's name as a To header can always carry it: one line, no quotes or angle
    brackets, at most NAME_MAX characters. Python's email folding drops the quotes of a
    display name too long for one line, which turns the rest into a broken address."""
    cleaned = header_safe(name).translate(str.maketrans("", "", '"\\<>'))
    return cleaned[:NAME_MAX].rstrip()


def message_id(sender: str) -> str:
    """A new Message-ID in the sender's domain."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "lexwatch.localhost"
    return make_msgid(domain=header_safe(domain))


def build(
    email: DigestEmail, *, sender: str, to: str, name: str, now: datetime, msgid: str
) -> EmailMessage:
    """The message to send (or to drop in the outbox)."""
    message = EmailMessage(policy=SMTP)
    message["From"] = header_safe(sender)
    message["To"] = Address(display_name=display_name(name), addr_spec=header_safe(to))
    message["Subject"] = header_safe(email.subject)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = header_safe(msgid)
    for header, value in email.headers:
        message[header_safe(header)] = header_safe(value)
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    return message
