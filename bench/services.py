"""Throwaway PostgreSQL and Redis servers on 127.0.0.1 for a benchmark, gone when it ends.

The same recipe as .ci/run: Debian's `postgresql` and `redis-server` packages,
a fresh cluster in a temporary folder (fsync off: nothing here must survive),
free ports, stopped however the benchmark ends.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HOW = "install them with: apt-get install -y postgresql redis-server"


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    """A PostgreSQL server; yields the URL of its `postgres` database (create others from it)."""
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not bins:
        raise SystemExit(f"this benchmark needs PostgreSQL: {HOW}")
    folder = Path(tempfile.mkdtemp(prefix="lexwatch-pg-"))
    folder.chmod(0o755)
    data, port = folder / "data", free_port()
    try:
        _as_postgres(
            folder,
            [
                f"{bins[-1]}/initdb",
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={data} "
            "-c fsync=off -c synchronous_commit=off -c max_connections=300"
        )
        _as_postgres(
            folder,
            [
                f"{bins[-1]}/pg_ctl",
                "-D",
                str(data),
                "-w",
                "-l",
                str(folder / "server.log"),
                "-o",
                options,
                "start",
            ],
        )
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            _as_postgres(folder, [f"{bins[-1]}/pg_ctl", "-D", str(data), "-m", "immediate", "stop"])
        shutil.rmtree(folder, ignore_errors=True)


def _as_postgres(folder: Path, command: list[str]) -> None:
    """PostgreSQL refuses to run as root: as root, run it as the postgres user."""
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, cwd="/", check=True, stdout=subprocess.DEVNULL)


@contextlib.contextmanager
def redis() -> Iterator[str]:
    """A Redis server that keeps nothing on disk; yields its URL."""
    if shutil.which("redis-server") is None:
        raise SystemExit(f"this benchmark needs Redis: {HOW}")
    port = free_port()
    server = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        _wait_until_listening(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_until_listening(port: int) -> None:
    for _attempt in range(100):
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.1):
            return
        time.sleep(0.05)
    raise SystemExit(f"redis-server did not start on port {port}")
