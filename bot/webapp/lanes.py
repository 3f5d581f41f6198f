"""Engine lanes: chat turns run on a fixed pool of threads, each with a time limit.

The engine is shared and read-only while answering (the query cache has its own
lock), so several turns run at once; one conversation still takes one turn at a
time (its facts are per conversation). A turn past ``turn_timeout_seconds``
tells its user so and frees the request; its thread finishes in the background.
"""

from __future__ import annotations

import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any


class TurnTimeout(RuntimeError):
    pass


class Lanes:
    def __init__(self, lanes: int, timeout_seconds: float):
        self.lanes = lanes
        self.timeout_seconds = timeout_seconds
        self._pool = ThreadPoolExecutor(max_workers=lanes, thread_name_prefix="mdsbot-lane")
        self._locks: weakref.WeakKeyDictionary[Any, threading.Lock] = weakref.WeakKeyDictionary()
        self._guard = threading.Lock()

    def send(self, conversation: Any, text: str) -> Any:
        """``conversation.send(text)`` on a lane; TurnTimeout when it takes longer than the limit."""
        future = self._pool.submit(self._one_turn, conversation, text)
        try:
            return future.result(timeout=self.timeout_seconds)
        except FutureTimeout:
            raise TurnTimeout(
                f"the answer took longer than {self.timeout_seconds:g} s (MDSBOT_TURN_TIMEOUT_SECONDS); "
                "the server is busy or the question is too involved; try again or ask a shorter question"
            ) from None

    def _one_turn(self, conversation: Any, text: str) -> Any:
        with self._lock_of(conversation):
            return conversation.send(text)

    def _lock_of(self, conversation: Any) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(conversation, threading.Lock())
