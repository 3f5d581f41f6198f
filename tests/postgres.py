"""A real PostgreSQL server for the tests: Debian's binaries, a temp data dir and port, a non-root user.

`make test` installs the package (scripts/install_postgres.sh); CI fails rather than
skips when the binaries are missing.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.ports import free_port


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_server_user(args: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the 'postgres' user then."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a throwaway server; yield a SQLAlchemy URL of an empty database; stop it and remove its files."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL binaries not found (scripts/install_postgres.sh installs them)")
        pytest.skip("PostgreSQL binaries not found; run scripts/install_postgres.sh")
    # Its own directory under /tmp: pytest's are private to root, which the server user cannot enter.
    base = Path(tempfile.mkdtemp(prefix="mdsbot-pg-"))
    data, sockets = base / "pgdata", base / "pgsock"
    sockets.mkdir()
    if os.geteuid() == 0:
        for path in (base, sockets):
            shutil.chown(path, "postgres")
    port = free_port()
    run(str(bin_dir / "initdb"), "-D", str(data), "-U", "mdsbot", "--auth=trust", "-E", "UTF8")
    run(str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-l", str(base / "pg.log"),
        "-o", f"-p {port} -h 127.0.0.1 -k {sockets}", "start")
    try:
        run(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "mdsbot", "mdsbot_test")
        yield f"postgresql+psycopg://mdsbot@127.0.0.1:{port}/mdsbot_test"
    finally:
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-m", "fast", "stop")
        shutil.rmtree(base, ignore_errors=True)


def run(*args: str) -> None:
    """Run a server command as the server user; its own output in the error if it fails."""
    done = subprocess.run(_as_server_user(list(args)), capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"{Path(args[0]).name} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
