"""The secret that signs sessions, CSRF tokens and feed tokens, and where it may be left out.

Beyond loopback the secret must come from LEXWATCH_SECRET_KEY (a generated key on
disk next to the database is no secret on a shared host). On 127.0.0.1 a key is
generated once per data folder, so sessions survive a restart without setup.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path

from vocab.errors import ConfigError
from vocab.settings import Settings

KEY_FILE = "secret_key"


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and 'localhost'."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_serving(settings: Settings, host: str) -> None:
    """Refuse to serve beyond loopback without a configured secret key."""
    if not settings.secret_key and not is_loopback(host):
        raise ConfigError(
            f"serving on {host} needs LEXWATCH_SECRET_KEY: set it to a long random value "
            '(python -c "import secrets; print(secrets.token_urlsafe(32))")'
        )


def secret_key(settings: Settings) -> str:
    """The configured key, else this data folder's generated key (created on first use)."""
    if settings.secret_key:
        return settings.secret_key
    return _folder_key(Path(settings.data_dir) / KEY_FILE)


def _folder_key(path: Path) -> str:
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        # O_EXCL: two processes starting at once must not each write their own key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key
