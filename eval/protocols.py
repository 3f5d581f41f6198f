"""What the harness needs from the product: the engine and the rules core, as protocols.

The real implementations are ``bot.engine.Engine`` and the ``rules_core``
module; tests inject tiny fakes. Responses may be ``bot.models.BotResponse``
objects or plain dicts of the same shape.
"""

from __future__ import annotations

from typing import Any, Protocol, Sequence, runtime_checkable


@runtime_checkable
class RetrieverLike(Protocol):
    def search(self, query: str, k: int = 5) -> Sequence[Any]:
        """Hits with ``.passage`` (id, doc_id, section, start, end, text, normalized) and ``.score``."""


@runtime_checkable
class ConversationLike(Protocol):
    def send(self, text: str) -> Any:
        """One user turn -> BotResponse (or its dict)."""


@runtime_checkable
class EngineLike(Protocol):
    retriever: RetrieverLike

    def ask(self, question: str) -> Any:
        """One fresh conversation per call -> BotResponse (or its dict)."""

    def conversation(self) -> ConversationLike: ...


@runtime_checkable
class RulesLike(Protocol):
    def evaluate(self, drug: str, patient: dict) -> Any:
        """-> Decision (pydantic, with model_dump) or dict; bad input raises ValueError/ValidationError."""

    def format_error(self, exc: BaseException) -> str: ...


class EvalSetupError(RuntimeError):
    """The product is not there to evaluate (missing module/attribute); the message says what."""


def load_engine(settings: Any | None = None) -> EngineLike:
    try:
        from bot.engine import Engine  # type: ignore[import-not-found]
    except ImportError as exc:
        raise EvalSetupError(
            f"cannot import bot.engine.Engine ({exc}); question and conversation cases need it. "
            "Run only rules cases with --cases FILE, or build the engine first."
        ) from exc
    if settings is None:
        from bot.settings import Settings

        settings = Settings()
    if not hasattr(Engine, "from_settings"):
        raise EvalSetupError("bot.engine.Engine has no from_settings(settings) constructor")
    return Engine.from_settings(settings)


def load_rules() -> RulesLike:
    try:
        import rules_core
    except ImportError as exc:  # pragma: no cover - package ships with the repo
        raise EvalSetupError(f"cannot import rules_core ({exc})") from exc
    if not callable(getattr(rules_core, "evaluate", None)):
        raise EvalSetupError(
            "rules_core.evaluate(drug, patient) does not exist yet; vignette and bad-input cases need it"
        )
    if not callable(getattr(rules_core, "format_error", None)):
        raise EvalSetupError("rules_core.format_error(exc) does not exist yet; bad-input cases need it")
    return rules_core  # type: ignore[return-value]
