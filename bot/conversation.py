"""Per-session conversation state. (Routing to the rules core arrives with the guard work.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.models import BotResponse

if TYPE_CHECKING:  # pragma: no cover
    from bot.engine import Engine


class Conversation:
    def __init__(self, engine: Engine):
        self.engine = engine

    def send(self, text: str) -> BotResponse:
        return self.engine.answerer.answer(text)
