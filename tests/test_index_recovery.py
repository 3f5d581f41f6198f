"""A damaged index has a way out, a read-only index still answers: real files, real Chroma, the real CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent / "mdsbot"
ROOT = Path(__file__).resolve().parents[1]


def mdsbot(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, cwd=ROOT, env=os.environ.copy(), timeout=300)


@pytest.fixture
def index_copy(index_dir, engine, tmp_path):
    """A private copy of the session's built index (only its Chroma store)."""
    copy = tmp_path / "data"
    shutil.copytree(Path(index_dir) / "chroma", copy / "chroma")
    return copy


def test_a_garbage_database_is_named_and_ingest_force_rebuilds_it(index_copy):
    database = index_copy / "chroma" / "chroma.sqlite3"
    garbage = os.urandom(64 * 1024)
    database.write_bytes(garbage)

    asked = mdsbot("ask", "What did MEDALIST show?", "--data-dir", str(index_copy))
    assert asked.returncode == 2 and "Traceback" not in asked.stderr
    assert asked.stderr.startswith(f"error: the index at {index_copy / 'chroma'} is damaged")
    assert "mdsbot ingest --force" in asked.stderr and asked.stderr.count("\n") == 1
    plain = mdsbot("ingest", "--data-dir", str(index_copy))
    assert plain.returncode == 2 and "is damaged" in plain.stderr and "Traceback" not in plain.stderr

    rebuilt = mdsbot("ingest", "--force", "--data-dir", str(index_copy))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "index built" in rebuilt.stdout and "moved it aside" in rebuilt.stderr
    aside = [p for p in index_copy.iterdir() if p.name.startswith("chroma.damaged-")]
    assert len(aside) == 1 and (aside[0] / "chroma.sqlite3").read_bytes() == garbage, "damaged files kept, not deleted"
    asked = mdsbot("ask", "What were the IMerge TI rates?", "--json", "--data-dir", str(index_copy))
    assert asked.returncode == 0, asked.stderr
    assert "40% vs 15%" in json.loads(asked.stdout)["answer"]


def _make_read_only(folder: Path) -> str:
    """A read-only bind mount (root ignores permission bits), or chmod for other users; '' when neither works."""
    if os.geteuid() != 0:
        for path in [folder, *folder.rglob("*")]:
            path.chmod(path.stat().st_mode & ~0o222)
        return "chmod"
    for command in (["mount", "--bind", str(folder), str(folder)], ["mount", "-o", "remount,ro,bind", str(folder)]):
        if subprocess.run(command, capture_output=True).returncode != 0:
            subprocess.run(["umount", str(folder)], capture_output=True)
            return ""
    return "mount"


def test_a_read_only_index_answers_and_writes_nothing(index_copy):
    how = _make_read_only(index_copy)
    if not how:
        pytest.skip("no read-only mechanism here: running as root and `mount --bind` is not permitted")
    try:
        with pytest.raises(OSError):
            (index_copy / "probe").write_text("x")  # genuinely read-only
        before = {p: p.stat().st_mtime_ns for p in index_copy.rglob("*")}
        for question in ("What did MEDALIST show?", "What did MEDALIST show?", "How is ESA failure defined?"):
            asked = mdsbot("ask", question, "--json", "--data-dir", str(index_copy))
            assert asked.returncode == 0, asked.stderr
            assert json.loads(asked.stdout)["status"] == "answered"
        assert {p: p.stat().st_mtime_ns for p in index_copy.rglob("*")} == before
    finally:
        if how == "mount":
            subprocess.run(["umount", str(index_copy)], check=True)


def test_ingest_says_plainly_that_a_read_only_dir_holds_no_index(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    how = _make_read_only(empty)
    if not how:
        pytest.skip("no read-only mechanism here: running as root and `mount --bind` is not permitted")
    try:
        result = mdsbot("ask", "What did MEDALIST show?", "--data-dir", str(empty))
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert "is read-only and holds no index" in result.stderr
    finally:
        if how == "mount":
            subprocess.run(["umount", str(empty)], check=True)
