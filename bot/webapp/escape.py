"""The one escape of source and user text for the web app: HTML specials and Markdown signs made inert."""

from __future__ import annotations

from typing import Any

# One pass, character by character: HTML specials and the characters Markdown would act on.
_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "'": "&#39;",
        **{c: f"&#{ord(c)};" for c in "*_`~[]#|\\$"},
        "\n": "<br>",
    }
)


def text(value: Any) -> str:
    """Escaped for HTML and inert for Markdown; newlines become <br>."""
    return str(value).translate(_ESCAPES)
