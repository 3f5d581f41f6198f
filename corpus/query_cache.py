"""Query vectors remembered across runs, kept OUT of the Chroma store.

Answering must never write to the index: a read-only install could not answer,
and a cache entry one process (the CLI) added to a Chroma collection that
another process (the app) holds open made the other fail with "Error finding
id". So the cache is one small ``.npy`` file per query in its own folder,
written atomically (temp file + rename) and skipped silently where the folder
cannot be written; without a folder (server mode, read-only) it lives in memory.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

MEMORY_ENTRIES = 2048


class QueryCache:
    def __init__(self, folder: Path | None):
        self.folder = folder
        self._memory: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> np.ndarray | None:
        with self._lock:
            if key in self._memory:
                self._memory.move_to_end(key)
                return self._memory[key]
        if self.folder is None:
            return None
        try:
            vector = np.load(self.folder / f"{key}.npy", allow_pickle=False)
        except (OSError, ValueError):  # absent, or a half-written/foreign file: embed again
            return None
        self._remember(key, vector)
        return vector

    def put(self, key: str, vector: np.ndarray) -> None:
        self._remember(key, vector)
        if self.folder is not None:
            self._write(key, vector)

    def _remember(self, key: str, vector: np.ndarray) -> None:
        with self._lock:
            self._memory[key] = vector
            while len(self._memory) > MEMORY_ENTRIES:
                self._memory.popitem(last=False)

    def _write(self, key: str, vector: np.ndarray) -> None:
        """Atomic: a reader sees the whole file or none; a read-only folder is left alone."""
        assert self.folder is not None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                np.save(out, vector, allow_pickle=False)
            os.replace(temp, self.folder / f"{key}.npy")
        except OSError:
            self.folder = None  # read-only or full: keep answering from memory
