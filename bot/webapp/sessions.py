"""Conversations of API callers, keyed by a session id the server issues.

Browser sessions keep their Conversation in ``gr.State``; API callers (the
``ask`` endpoint, gradio_client, curl) have no browser state, so they get a
session id back from their first call and pass it on later calls. The store
belongs to one app instance (made in ``build_app``), holds a bounded number of
conversations (least recently used dropped first) and is safe across threads.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any


class UnknownSession(KeyError):
    def __init__(self, session_id: str):
        super().__init__(session_id)
        self.session_id = session_id

    def __str__(self) -> str:
        return (
            f"session_id: {self.session_id!r} is unknown or has expired; "
            "omit session_id to start a new conversation"
        )


class SessionStore:
    def __init__(self, new_conversation: Callable[[], Any], max_sessions: int = 1000):
        self._new = new_conversation
        self._max = max_sessions
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def open(self, session_id: str | None) -> tuple[str, Any]:
        """(id, conversation): a new one when ``session_id`` is empty, else the existing one."""
        session_id = (session_id or "").strip()
        if not session_id:
            conversation = self._new()  # outside the lock: it may wait for the engine to load
            with self._lock:
                session_id = secrets.token_urlsafe(12)
                self._items[session_id] = conversation
                while len(self._items) > self._max:
                    self._items.popitem(last=False)
                return session_id, conversation
        with self._lock:
            if session_id not in self._items:
                raise UnknownSession(session_id)
            self._items.move_to_end(session_id)
            return session_id, self._items[session_id]

    def close(self, session_id: str) -> bool:
        with self._lock:
            return self._items.pop(session_id, None) is not None

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
