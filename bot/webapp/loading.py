"""Serve at once, load the model meanwhile.

Loading the embedding model and index takes most of the start-up time, and only
the chat needs it: the medical-necessity checks and the sources browser run on
the rules core and the corpus alone. :class:`BackgroundEngine` starts loading
the engine in a thread and stands in for it: ``corpus`` is there at once, and
``conversation()`` waits until the engine is ready (or raises what loading
raised, so the chat shows the error instead of hanging).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any


class BackgroundEngine:
    def __init__(self, load: Callable[[], Any], corpus: Any, *, log: bool = True, settings: Any = None):
        self.corpus = corpus
        self.settings = settings  # what the app needs before the engine loads (lanes, time limit)
        self._future: Future[Any] = Future()
        self._log = log
        threading.Thread(target=self._run, args=(load,), name="mdsbot-engine-load", daemon=True).start()

    def _run(self, load: Callable[[], Any]) -> None:
        started = time.perf_counter()
        try:
            engine = load()
        except BaseException as exc:  # handed to whoever waits
            self._future.set_exception(exc)
            if self._log:
                print(f"mdsbot: the engine failed to load: {type(exc).__name__}: {exc}", file=sys.stderr)
            return
        self._future.set_result(engine)
        if self._log:
            print(f"mdsbot: model and index loaded in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    @property
    def ready(self) -> bool:
        return self._future.done() and self._future.exception() is None

    def wait(self, timeout: float | None = None) -> Any:
        return self._future.result(timeout)

    def conversation(self, record: Any = None) -> Any:
        return self.wait().conversation(record)


class LiveEngine:
    """The engine the app serves, replaced when a document is added from the app.

    Conversations hold this object, not an engine: each turn reads the current engine
    (corpus, retriever, answerer, guard), so an open chat answers from an added document
    at once. ``corpus`` and ``settings`` never wait for a loading engine.
    """

    def __init__(self, engine: Any):
        self._engine = engine

    @property
    def current(self) -> Any:
        """The loaded engine (waits while a BackgroundEngine is still loading)."""
        engine = self._engine
        return engine.wait() if isinstance(engine, BackgroundEngine) else engine

    @property
    def corpus(self) -> Any:
        return self._engine.corpus

    @property
    def settings(self) -> Any:
        return getattr(self._engine, "settings", None)

    @property
    def ready(self) -> bool:
        return getattr(self._engine, "ready", True)

    def __getattr__(self, name: str) -> Any:  # answerer, retriever, guard, chat_model, index, ...
        return getattr(self.current, name)

    def conversation(self, record: Any = None) -> Any:
        conversation = self.current.conversation(record)  # waits for a loading engine, or raises what loading raised
        if getattr(conversation, "engine", None) is not None:
            conversation.engine = self  # its later turns read whichever engine is current then
        return conversation

    def replace(self, engine: Any) -> None:
        self._engine = engine
