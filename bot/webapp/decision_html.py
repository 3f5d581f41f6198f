"""HTML for rules-core decisions and the options list (pure functions, no gradio import; source and user
text goes through :func:`bot.webapp.escape.text`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.decision_report import DECISION_LABEL, NOTICE, STATUS_SYMBOL, STATUS_WORD
from bot.report_sections import short_titles
from bot.webapp.escape import text
from rules_core import plain

DECISION_ICON = {"meets_criteria": "✓", "does_not_meet": "✗", "insufficient_documentation": "?"}
PATHWAY_STATUS = {"eligible": "eligible", "not_eligible": "not eligible", "incomplete": "incomplete"}




def decision_id_html(decision_id: str | None) -> str:
    """Where to find the decision again ('' when it was not recorded)."""
    if not decision_id:
        return ""
    return (f'<div class="mds-decision-id">Decision id <code>{text(decision_id)}</code> '
            "· stored: find it in the Decisions tab</div>")


def decision_banner_html(decision: Mapping[str, Any]) -> str:
    value = decision["decision"]
    return (
        f'<div class="mds-banner mds-banner-{value}"><span class="mds-banner-icon">{DECISION_ICON.get(value, "")}</span> '
        f"{text(DECISION_LABEL.get(value, value))} <span class=\"mds-banner-drug\">— {text(plain.drug_name(decision['drug']))}</span></div>"
    )


def decision_html(decision: Mapping[str, Any], *, compact: bool = False, notice: bool = False) -> str:
    """Banner, the verdict and its reasons in plain words, missing documentation, warnings, a criteria table per pathway."""
    value = decision["decision"]
    chosen = decision.get("pathway")
    parts = [f'<div class="mds-decision mds-decision-{value}">', decision_banner_html(decision)]
    if notice:
        parts.append(f'<div class="mds-notice" role="note">{text(NOTICE)}</div>')
    if decision.get("decision_id"):
        parts.append(f'<div class="mds-decision-id">Decision id <code>{text(decision["decision_id"])}</code></div>')
    parts.append(f'<div class="mds-summary">{text(plain.verdict_sentence(decision))}</div>')
    reasons = plain.reasons(decision) if value == "does_not_meet" else []
    if reasons:
        items = "".join(f"<li>{text(r)}</li>" for r in reasons)
        parts.append(f'<div class="mds-reasons"><div class="mds-reasons-title">Why not</div><ul>{items}</ul></div>')
    if value == "insufficient_documentation" and plain.missing_labels(decision):
        items = "".join(f"<li>☐ {text(m[:1].upper() + m[1:])}</li>" for m in plain.missing_labels(decision))
        parts.append(
            f'<div class="mds-missing"><div class="mds-missing-title">Missing documentation</div><ul>{items}</ul></div>'
        )
    if decision.get("warnings"):
        items = "".join(
            f'<li>⚠ {text(plain.plain_text(w["text"]))} <span class="mds-source">— {source_html(w["citation"])}</span></li>'
            for w in decision["warnings"]
        )
        parts.append(f'<div class="mds-warnings"><div class="mds-warnings-title">Warnings</div><ul>{items}</ul></div>')
    for pathway in decision.get("pathways", []):
        if pathway["status"] == "not_applicable":
            continue
        is_open = not compact and (chosen is None or pathway["id"] == chosen) or pathway["id"] == chosen
        parts.append(pathway_html(pathway, open_=is_open))
    ruleset = decision.get("ruleset") or {}
    parts.append(
        f'<div class="mds-ruleset">Ruleset {text(ruleset.get("id", "?"))} version {text(ruleset.get("version", "?"))}'
        f' (fingerprint {text(ruleset.get("fingerprint", "?"))})</div>'
    )
    if decision.get("policy"):
        values = "; ".join(f"{label}: {shown}" for label, shown in plain.policy_rows(decision["policy"]))
        parts.append(f'<div class="mds-policy">Site policy (thresholds the sources do not state): {text(values)}</div>')
    parts.append("</div>")
    return "".join(parts)


def pathway_html(pathway: Mapping[str, Any], *, open_: bool) -> str:
    status = pathway["status"]
    rows = "".join(criterion_row_html(c) for c in pathway.get("criteria", []))
    name = plain.pathway_name(pathway)
    blocked = plain.blocking_reason(pathway) if status == "not_eligible" else ""
    why = f'<div class="mds-pathway-why">Not eligible because: {text(blocked)}</div>' if blocked else ""
    basis = f'<div class="mds-pathway-basis">{text(pathway["title"])}</div>' if pathway.get("title") else ""
    return (
        f'<details class="mds-pathway-block mds-pathway-{status}"{" open" if open_ else ""}>'
        f"<summary><b>{text(name[:1].upper() + name[1:])}</b> — {text(PATHWAY_STATUS.get(status, status))}</summary>"
        f"{why}{basis}"
        '<table class="mds-table mds-criteria"><thead><tr><th></th><th>Criterion</th><th>Evidence</th>'
        f"<th>Source</th></tr></thead><tbody>{rows}</tbody></table></details>"
    )


def criterion_row_html(c: Mapping[str, Any]) -> str:
    status = c["status"]
    note = f'<div class="mds-note">Ruleset note: {text(c["note"])}</div>' if c.get("note") else ""
    if c.get("basis") == "site_policy":
        note += '<div class="mds-note">Applies a site-policy value (not in the sources).</div>'
    sources = [source_html(c["citation"])] + [source_html(s) for s in c.get("supporting_citations", [])]
    return (
        f'<tr class="mds-crit mds-crit-{status}">'
        f'<td class="mds-crit-status" title="{STATUS_WORD.get(status, status)}">{STATUS_SYMBOL.get(status, "?")}</td>'
        f'<td>{text(plain.plain_text(c["statement"]))}{note}</td>'
        f'<td data-label="Evidence">{text(plain.shown_evidence(c))}</td>'
        f'<td data-label="Source">{"<br>".join(sources)}</td></tr>'
    )


def source_html(citation: Mapping[str, Any]) -> str:
    doc_id = citation["doc_id"]
    short = short_titles().get(doc_id, doc_id)
    return f'<span class="mds-source-doc">{text(doc_id.split("_", 1)[0])} {text(short)}</span>: “{text(citation["quote"])}”'


def options_html(decisions: Sequence[Mapping[str, Any]]) -> str:
    """The "check all drugs" list: one row per drug in the sources' sequence, the reason in plain words, details below."""
    rows = "".join(
        f'<tr class="mds-option mds-option-{d["decision"]}"><td><b>{text(plain.drug_name(d["drug"]))}</b></td>'
        f'<td><span class="mds-pill mds-pill-{d["decision"]}">{DECISION_ICON.get(d["decision"], "")} '
        f'{text(DECISION_LABEL.get(d["decision"], d["decision"]).lower())}</span></td>'
        f'<td class="mds-option-why" data-label="Why">{text(plain.options_reason(d))}</td></tr>'
        for d in decisions
    )
    details = "".join(
        f'<details class="mds-option-detail"><summary>{text(plain.drug_name(d["drug"]))}: criteria</summary>'
        f"{decision_html(d, compact=True)}</details>"
        for d in decisions
    )
    return (
        '<div class="mds-options"><div class="mds-options-title">Options for this patient (all supported drugs)</div>'
        f'<div class="mds-notice" role="note">{text(NOTICE)}</div>'
        '<table class="mds-table mds-options-table"><thead><tr><th>Drug</th><th>Decision</th><th>Why</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>{details}</div>"
    )
