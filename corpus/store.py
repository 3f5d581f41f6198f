"""Opening the Chroma store: a server, or the embedded store with read-only installs, damaged files,
rebuilding from nothing.

Chroma's embedded client writes to its database when it starts, so a data dir
that cannot be written (a shared, read-only install) is opened through a private
snapshot copy in a temp dir: answering reads it, nothing is written back. A
database Chroma cannot open is reported as :class:`IndexDamaged` with the way
out (``mdsbot ingest --force`` moves the damaged files aside and rebuilds).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from corpus.offline import offline_environment

if TYPE_CHECKING:  # pragma: no cover
    import chromadb

STORE_FOLDER = "chroma"


class IndexDamaged(RuntimeError):
    """The index files exist but Chroma cannot read them."""

    def __init__(self, where: Path | str, cause: BaseException):
        self.where = where
        super().__init__(
            f"the index at {where} is damaged ({type(cause).__name__}: {_first_line(cause)}); "
            "rebuild it with `mdsbot ingest --force` (the damaged files are moved aside, your documents are untouched)"
        )


class IndexUnavailable(RuntimeError):
    """The index could not be read while answering (damaged, rebuilt badly, or its server is gone)."""

    def __init__(self, cause: BaseException):
        self.cause = cause
        super().__init__(
            f"the index cannot be read ({type(cause).__name__}: {_first_line(cause)}); questions cannot be answered "
            "until it is repaired (`mdsbot ingest --force`); medical-necessity checks still work"
        )


class IndexReadOnly(RuntimeError):
    """A read-only index that is missing or not current: it cannot be (re)built in place."""


def _first_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200]


def is_writable(folder: Path) -> bool:
    """Whether files can really be created in ``folder`` (root ignores permission bits; a read-only mount does not)."""
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".mdsbot-write-check-"):
            return True
    except OSError:
        return False


def open_client(data_dir: Path, chroma_url: str | None) -> tuple[chromadb.ClientAPI, bool]:
    """(client, read_only): an HttpClient when a server URL is configured, else the embedded store
    (a read-only data dir is served from a snapshot)."""
    offline_environment()
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if chroma_url:
        url = urlparse(chroma_url if "://" in chroma_url else f"http://{chroma_url}")
        if not url.hostname:
            raise ValueError(f"chroma_url: {chroma_url!r} is not a URL; use http://host:port")
        client = chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
        return client, False
    return open_embedded(data_dir, chroma_settings)


def open_embedded(data_dir: Path, settings: object) -> tuple[chromadb.ClientAPI, bool]:
    """(client, read_only): the store under ``data_dir``, or a snapshot copy of it when it is read-only."""
    import chromadb

    store = data_dir / STORE_FOLDER
    if not data_dir.exists():
        data_dir.mkdir(parents=True)
    read_only = not is_writable(store if store.is_dir() else data_dir)
    if read_only:
        if not (store / "chroma.sqlite3").is_file():
            raise IndexReadOnly(f"the data dir {data_dir} is read-only and holds no index; run `mdsbot ingest` where it is writable")
        store = _snapshot(store)
    try:
        return chromadb.PersistentClient(path=str(store), settings=settings), read_only
    except Exception as exc:
        if (store / "chroma.sqlite3").is_file():
            _forget_client(store)
            raise IndexDamaged(data_dir / STORE_FOLDER, exc) from exc
        raise


def reopen_embedded(data_dir: Path, settings: object) -> chromadb.ClientAPI:
    """A new client on the store as it is on disk now (it may have been moved aside and rebuilt)."""
    _forget_client(data_dir / STORE_FOLDER)
    return open_embedded(data_dir, settings)[0]


def _snapshot(store: Path) -> Path:
    """A private copy of a read-only store (Chroma writes when it opens); removed at exit."""
    scratch = Path(tempfile.mkdtemp(prefix="mdsbot-readonly-index-"))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    copy = scratch / STORE_FOLDER
    shutil.copytree(store, copy)
    return copy


def move_aside(data_dir: Path) -> Path | None:
    """Rename the store folder to ``chroma.damaged-<time>`` (kept for inspection); its new path, or None."""
    store = data_dir / STORE_FOLDER
    if not store.exists():
        return None
    _forget_client(store)
    target = data_dir / f"{STORE_FOLDER}.damaged-{time.strftime('%Y%m%dT%H%M%S')}"
    store.rename(target)
    return target


def _forget_client(store: Path) -> None:
    """Chroma caches one client per path in the process; a failed or moved store must not be reused."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(str(store), None)
