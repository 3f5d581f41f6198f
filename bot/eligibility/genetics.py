"""Genetics: SF3B1 / IDH1 / IDH2 mutation status, and del(5q)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.eligibility.draft import Draft, squash
from corpus.text import clause_start

_GENE = re.compile(r"(?<![\w])(?P<gene>SF3B1|IDH1\s*/\s*(?:IDH)?2|IDH[12]|IDH)(?!\d)", re.IGNORECASE)
_GENE_UNKNOWN_AFTER = re.compile(
    r"^[\s:(-]*(?:status\s*:?\s*)?(?:not\s+(?:tested|done|available|assessed|known)|pending|unknown|untested|n/?a\b)",
    re.IGNORECASE,
)
_GENE_WILD_AFTER = re.compile(
    r"^[\s:(]*(?:(?:is|was|status|all|both|are|were)\s*:?\s*)*(?:wild[- ]?type|WT\b|negative|neg\b|unmutated|non[- ]?mutated|"
    r"not\s+mutated|-(?![\w])|−|mutations?\s+(?:was\s+|were\s+)?(?:not\s+(?:detected|found|present|seen)|"
    r"negative|absent)|not\s+detected|absent|no\s+mutation|not(?=\s*(?:[,;.]|$)))",
    re.IGNORECASE,
)
_GENE_MUTATED_AFTER = re.compile(
    r"^[\s:(-]*(?:(?:is|was|were|are|status)\s*:?\s*)?(?:(?:all|both)\s+)?(?:mutated|mutations?|mutant|mut\b|mt\b|m\b|positive|pos\b|\+|"
    r"detected|present|variant|[A-Z]\d{2,4}[A-Z*]|VAF)",
    re.IGNORECASE,
)
_GENE_WILD_BEFORE = re.compile(
    r"(?:\bno|\bneither|\bnor|\bwithout|negative\s+for|absence\s+of|lack(?:s|ing)?(?:\s+of)?|\bnot|wild[- ]?type|\bWT|"
    r"unmutated|non[- ]?mutated)(?:\s+(?:an?|any|detectable|pathogenic|somatic))?"
    r"(?:\s+(?:mutations?|variants?)\s*(?:in|of)?)?\s*$",
    re.IGNORECASE,
)
_GENE_MUTATED_BEFORE = re.compile(
    r"(?:mutated|mutant|mutations?\s+(?:in|of)|positive\s+for|harbou?r(?:s|ing)?(?:\s+an?)?|"
    r"carr(?:ies|ying)(?:\s+an?)?)\s*$",
    re.IGNORECASE,
)
# Checked in this order: a negation on either side beats a bare "mutation" ("no SF3B1 mutation").
_STATUS_CUES = (
    ("unknown", _GENE_UNKNOWN_AFTER, None),
    ("wild_type", _GENE_WILD_AFTER, _GENE_WILD_BEFORE),
    ("mutated", _GENE_MUTATED_AFTER, _GENE_MUTATED_BEFORE),
)
_GENE_NOUN = re.compile(r"\s*(?:mutations?|variants?)\b", re.IGNORECASE)
_GROUP_JOINER = re.compile(r"^\s*(?:,|/|&|\band\b|\bor\b|\bnor\b|,\s*(?:and|or)\b)\s*$", re.IGNORECASE)
# A negation in front of a list covers every gene in it ("neither SF3B1 nor IDH1 mutated",
# "no del(5q), SF3B1 or IDH1/IDH2 mutations"); "neither" even against a trailing "mutated".
_LIST_ITEM = r"[\w()/-]+(?:\s+[\w()/-]+)?\s*(?:,|\bor\b|\bnor\b)\s*(?:(?:an?|any)\s+)?"  # "neither del(5q) nor an SF3B1 mutation"
_NEITHER_LIST = re.compile(rf"\bneither\s+(?:{_LIST_ITEM})*$", re.IGNORECASE)
_NO_LIST = re.compile(rf"(?:\bno|\bwithout|negative\s+for)\s+(?:{_LIST_ITEM})+$", re.IGNORECASE)
_LIST_LOOKBACK = 80  # characters before a gene searched for a negated list
_LEFT_LIMIT = re.compile(r"[,;.?!\n]|\band\b|\bbut\b|\bwith\b", re.IGNORECASE)


@dataclass
class _GeneMention:
    match: re.Match[str]
    status: str | None  # unknown | wild_type | mutated | None (not stated next to it)
    fragment: str  # the words that stated it
    joined_to_next: bool  # "SF3B1 and IDH2 mutations": one status for the group


def _genes_named(token: str) -> list[str]:
    token = re.sub(r"\s", "", token.upper())
    if token == "SF3B1":
        return ["sf3b1"]
    if "/" in token:
        return ["idh1", "idh2"]
    if token == "IDH":
        return []  # "IDH mutation" does not say which gene
    return [token.lower()]


def _local_before(before: str) -> str:
    """The words before a gene that can still describe it (not past a comma, "and", "with")."""
    limits = list(_LEFT_LIMIT.finditer(before))
    return before[limits[-1].end():] if limits else before


def _gene_status(local_before: str, after: str) -> tuple[str | None, int, int]:
    """Status of one gene mention, plus how many characters before / after stated it."""
    for status, pattern_after, pattern_before in _STATUS_CUES:
        match_after = pattern_after.match(after)
        match_before = pattern_before.search(local_before) if pattern_before else None
        if match_after or match_before:
            used_before = len(local_before) - match_before.start() if match_before else 0
            if match_after:
                return status, used_before, match_after.end()
            noun = _GENE_NOUN.match(after)
            return status, used_before, noun.end() if noun else 0
    return None, 0, 0


def _list_negation(window: str, after: str, status: str | None) -> str | None:
    """wild_type when a negated list holds the gene and nothing of its own says otherwise."""
    if status == "unknown":
        return status
    if _NEITHER_LIST.search(window):
        return "wild_type"
    if _NO_LIST.search(window) and (status is None or _GENE_NOUN.match(after)):
        return "wild_type"
    return status


def _gene_mentions(draft: Draft) -> list[_GeneMention]:
    matches = [m for m in _GENE.finditer(draft.text) if draft.is_free(m.start(), m.end())]
    mentions = []
    for i, match in enumerate(matches):
        next_start = matches[i + 1].start() if i + 1 < len(matches) else len(draft.text)
        previous_end = matches[i - 1].end() if i > 0 else 0
        after = draft.text[match.end():next_start]
        before = _local_before(draft.text[previous_end:match.start()])
        status, used_before, used_after = _gene_status(before, after)
        status = _list_negation(draft.text[max(0, match.start() - _LIST_LOOKBACK):match.start()], after, status)
        stated = draft.text[match.start() - used_before:match.end() + used_after]
        joined = i + 1 < len(matches) and bool(_GROUP_JOINER.match(after))
        mentions.append(_GeneMention(match, status, stated, joined))
    return mentions


def _share_group_status(mentions: list[_GeneMention]) -> None:
    """A gene with no status of its own shares its group's ("SF3B1 and IDH2 mutations")."""
    for i in reversed(range(len(mentions))):
        if mentions[i].status is None and mentions[i].joined_to_next:
            mentions[i].status = mentions[i + 1].status
    for i in range(1, len(mentions)):
        if mentions[i].status is None and mentions[i - 1].joined_to_next:
            mentions[i].status = mentions[i - 1].status


def extract_mutations(draft: Draft) -> None:
    mentions = _gene_mentions(draft)
    _share_group_status(mentions)
    for i, mention in enumerate(mentions):
        match, status = mention.match, mention.status
        genes = _genes_named(match.group("gene"))
        if not genes and status in {"mutated", "wild_type"}:
            draft.note(f"'{match.group(0)}' does not say IDH1 or IDH2: not recorded.")
        if status not in {"mutated", "wild_type"}:
            continue
        stated = mention.fragment
        if stated.strip() == match.group(0) and i + 1 < len(mentions):
            # status shared with the group: show the group ("SF3B1 and IDH2 mutations")
            stated = draft.text[match.start():match.end() + len(draft.text[match.end():].split(",")[0])]
        for gene in genes:
            draft.state(gene, status, match.start(), match.end(), squash(stated).strip(" ,("))


# --------------------------------------------------------------------------- #
# del(5q)
# --------------------------------------------------------------------------- #

_DEL5Q = re.compile(
    r"(?<![\w])(?:del\s*\(\s*5\s*\)\s*\(\s*q[\w.;]*\)|del\s*\(?\s*5\s*q\s*\)?|5q\s*-?\s*(?:deletion|minus|del\b|syndrome)"
    r"|5q-(?![\w])|deletion\s+(?:of\s+)?(?:chromosome\s+)?(?:5q|\(5q\))|interstitial\s+deletion\s+of\s+5q)",
    re.IGNORECASE,
)
_DEL5Q_NEGATED_BEFORE = re.compile(
    r"(?:\bno|\bnon|\bneither|\bwithout|negative\s+for|absence\s+of|\bnot|lack(?:s|ing)?(?:\s+of)?|\bnor|\brule[sd]?\s+out)"
    r"[- ]?(?:\s*(?:an?|any|evidence\s+of|the|isolated|a\s+diagnosis\s+of))?\s*[- ]?$",
    re.IGNORECASE,
)
_DEL5Q_NEGATED_AFTER = re.compile(
    r"^[\s:)]*(?:(?:is|was|status)\s*:?\s*)?(?:negative|absent|not\s+(?:present|detected|seen|found)|no\b|-ve\b|neg\b)",
    re.IGNORECASE,
)
_DEL5Q_UNKNOWN_AFTER = re.compile(r"^[\s:)]*(?:status\s*:?\s*)?(?:unknown|pending|not\s+(?:tested|done|known))",
                                  re.IGNORECASE)
_DEL5Q_LOOKBACK = 40  # characters before a del(5q) mention searched for its negation
_NORMAL_KARYOTYPE = re.compile(r"\bnormal\s+(?:female\s+|male\s+)?karyotype\b|\b46,\s?X[XY]\b", re.IGNORECASE)


def _record_del5q(draft: Draft, match: re.Match[str]) -> None:
    before_start = max(0, match.start() - _DEL5Q_LOOKBACK)
    before, after = draft.text[before_start:match.start()], draft.text[match.end():]
    negated_after = _DEL5Q_NEGATED_AFTER.match(after)
    present = not (_DEL5Q_NEGATED_BEFORE.search(before) or negated_after)
    start = max(clause_start(draft.text, match.start(), draft.reading.max_clause_chars),
                draft.text.rfind(",", 0, match.start()) + 1, before_start)
    end = match.end() + (negated_after.end() if negated_after else 0)
    draft.state("del5q", present, match.start(), match.end(), squash(draft.text[start:end]).strip(" ,;"))


def extract_del5q(draft: Draft) -> None:
    for match in _DEL5Q.finditer(draft.text):
        if not _DEL5Q_UNKNOWN_AFTER.match(draft.text[match.end():]):
            _record_del5q(draft, match)
    if "del5q" not in draft.statements and _NORMAL_KARYOTYPE.search(draft.text):
        # A normal karyotype excludes del(5q), but the criteria want it stated, so ask rather than infer.
        draft.note("Normal karyotype noted; del(5q) status not recorded: please state it explicitly.")
