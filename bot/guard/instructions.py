"""Instructions smuggled into a question: found once, here, for the injection rail, the premise rail
(an instruction's figures are its payload, not a premise) and retrieval (conversation strips them).
"""

from __future__ import annotations

import re

from corpus.text import collapse_spaces, split_sentences
from corpus.vocabulary import words

INJECTION_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern, re.IGNORECASE | re.MULTILINE))
    for label, pattern in (
        ("ignore instructions",
         r"\b(?:ignore|disregard|forget|bypass|override)\b[^.?!\n]{0,40}\b(?:instructions?|sources?|rules?|context"
         r"|guidelines?|documents?|prompts?|citations?|constraints?|guard\w*|passages?)\b"),
        ("system override",
         r"\bsystem\s*(?:override|prompt|message|instructions?)\b|<\s*/?\s*system\s*>|\[/?INST\]"
         r"|^\s*(?:system|assistant|developer)\s*:"),
        ("rules disabled",
         r"\b(?:citations?|safety|guard|grounding)\s*(?:rules?|checks?|requirements?|mode)?\s*(?:are\s+|is\s+)?"
         r"(?:now\s+)?(?:disabled|off|suspended|removed|lifted|not required|turned off)\b"),
        ("role change",
         r"\byou are now\b|\bact as\b|\bpretend (?:to be|you are)\b|\bfrom now on\b|\bnew (?:role|persona|instructions?)\b"
         r"|\bdeveloper mode\b|\bjailbreak\w*\b"),
        ("prompt extraction",
         r"\b(?:print|reveal|show|repeat|output|display|dump|leak)\b[^.?!\n]{0,30}\b(?:your|the)\s+"
         r"(?:system\s+|hidden\s+|initial\s+)?(?:prompt|instructions)\b"),
        ("dictated answer",
         r"\brepeat after me\b|\bthe answer is always\b"
         r"|(?:^|[.!?:]\s*)(?:just\s+|only\s+|always\s+)?(?:say|reply|respond|write|answer)\s+(?:only\s+)?"
         r"(?:that|with|exactly|yes|no)\b"),
        ("no citations",
         r"\b(?:without|no|skip|omit|drop|don'?t (?:use|include|add|give))\s+(?:any\s+)?(?:citations?|references?)\b"),
    )
)
_QUOTED_PAYLOAD = re.compile(
    r"\b(?:say|output|print|respond with|reply with|answer with|write|repeat|state)\s*:?\s*[\"“'‘](?P<text>[^\"”'’]{2,200})[\"”'’]",
    re.IGNORECASE,
)
_BARE_PAYLOAD = re.compile(
    r"(?:^|\band\b|\bthen\b|\bjust\b|[:;,.])\s*(?:say|output|print|respond with|reply with|answer with|write|claim|state)"
    r"\s+(?:that\s+)?(?P<text>[^.?!\n\"“]{6,160})",
    re.IGNORECASE,
)


def injection_findings(text: str) -> list[str]:
    """Labels of the instruction patterns a text contains."""
    return [label for label, pattern in INJECTION_PATTERNS if pattern.search(text)]


def injected_payloads(question: str) -> list[str]:
    """Text an instruction asks the bot to output: quoted always, unquoted only beside an injection."""
    payloads = [m.group("text") for m in _QUOTED_PAYLOAD.finditer(question)]
    if injection_findings(question):
        payloads += [m.group("text") for m in _BARE_PAYLOAD.finditer(question)]
    return [collapse_spaces(p).lower() for p in payloads if words(p)]


def strip_instructions(question: str) -> str:
    """The question without its instruction-like sentences, for retrieval ('' when nothing is left)."""
    return " ".join(s for s in split_sentences(collapse_spaces(question)) if not injection_findings(s))
