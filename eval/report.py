"""report.json and a self-contained report.html (inline CSS and SVG, no external assets)."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any, Mapping, Sequence

from eval.metrics import METRIC_NAMES, SPECS_BY_NAME

REPORT_SCHEMA = "mdsbot-eval-report/1"


def build_report(
    results: Sequence[Mapping[str, Any]],
    summary: Mapping[str, Any],
    gate: Mapping[str, Any],
    latency: Mapping[str, Any],
    run: Mapping[str, Any],
) -> dict[str, Any]:
    ordered = sorted(results, key=lambda r: (r["type"], r["id"]))
    return {
        "schema": REPORT_SCHEMA,
        "summary": dict(summary),
        "gate": dict(gate),
        "latency": dict(latency),
        "run": dict(run),
        "failures": [r["id"] for r in ordered if not r.get("passed")],
        "cases": ordered,
    }


def write_reports(report: Mapping[str, Any], directory: Path) -> tuple[Path, Path]:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    json_path = directory / "report.json"
    html_path = directory / "report.html"
    json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    html_path.write_text(render_html(report), encoding="utf-8")
    return json_path, html_path


# ---------------------------------------------------------------------------
# HTML

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1150px;color:#1d232a;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d8dee4;padding-bottom:4px}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
th{background:#f6f8fa;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.banner{padding:10px 14px;border-radius:6px;font-weight:600;margin:12px 0}
.pass{background:#dafbe1;color:#116329}.fail{background:#ffebe9;color:#a40e26}.warn{background:#fff8c5;color:#7d4e00}
.st-regressed{color:#a40e26;font-weight:600}.st-improved{color:#116329}.st-skipped{color:#6e7781}
.bar{background:#eaeef2;border-radius:3px;height:10px;width:120px;display:inline-block;vertical-align:middle;margin-right:6px}
.bar>span{display:block;height:10px;border-radius:3px;background:#2da44e}
.bar.lower>span{background:#cf222e}
details{border:1px solid #d8dee4;border-radius:6px;margin:8px 0;padding:6px 10px}
summary{cursor:pointer;font-weight:600}
.small{color:#57606a;font-size:12px}.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
.answer{white-space:pre-wrap;background:#f6f8fa;padding:6px 8px;border-radius:4px}
.cite{border-left:3px solid #8c959f;padding:2px 8px;margin:4px 0;font-size:12.5px}
.scroll{overflow-x:auto}
ul.fail-list{margin:4px 0 4px 18px;padding:0;color:#a40e26}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return _e(value)


def _bar(value: float | None, lower_is_better: bool = False) -> str:
    if value is None:
        return ""
    width = max(0.0, min(1.0, float(value))) * 100
    cls = "bar lower" if lower_is_better else "bar"
    return f'<span class="{cls}"><span style="width:{width:.1f}%"></span></span>'


def _svg_kind_bars(by_kind: Mapping[str, Any]) -> str:
    """Horizontal SVG bar chart: pass rate per case kind."""
    rows = [(k, g["passed"], g["cases"]) for k, g in by_kind.items()]
    if not rows:
        return ""
    bar_w, label_w, row_h = 420, 150, 22
    height = row_h * len(rows) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 120}" height="{height}" '
        'role="img" aria-label="pass rate per case kind">'
    ]
    for i, (kind, passed, cases) in enumerate(rows):
        y = 5 + i * row_h
        rate = passed / cases if cases else 0.0
        color = "#2da44e" if rate >= 0.9 else "#bf8700" if rate >= 0.6 else "#cf222e"
        parts.append(f'<text x="0" y="{y + 14}" font-size="12">{_e(kind)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="14" fill="#eaeef2" rx="3"/>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{bar_w * rate:.1f}" height="14" fill="{color}" rx="3"/>')
        parts.append(
            f'<text x="{label_w + bar_w + 8}" y="{y + 14}" font-size="12">{rate * 100:.1f}% ({passed}/{cases})</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _summary_table(summary: Mapping[str, Any], gate: Mapping[str, Any]) -> str:
    rows_by_metric = {r["metric"]: r for r in gate.get("rows") or []}
    out = [
        "<table><tr><th>metric</th><th></th><th>value</th><th>n</th><th>baseline</th><th>Δ</th><th>status</th>"
        "<th>what it measures</th></tr>"
    ]
    for name in METRIC_NAMES:
        m = summary["overall"].get(name) or {}
        spec = SPECS_BY_NAME[name]
        g = rows_by_metric.get(name, {})
        status = g.get("status", "")
        delta = g.get("delta")
        out.append(
            f"<tr><td class='mono'>{_e(name)}{'' if spec.higher_is_better else ' ↓'}</td>"
            f"<td>{_bar(m.get('value'), not spec.higher_is_better)}</td>"
            f"<td class='num'>{_fmt(m.get('value'))}</td><td class='num'>{_fmt(m.get('n'))}</td>"
            f"<td class='num'>{_fmt(g.get('baseline'))}</td>"
            f"<td class='num'>{'' if delta is None else f'{delta:+.3f}'}</td>"
            f"<td class='st-{_e(status)}'>{_e(status)}</td><td class='small'>{_e(spec.description)}</td></tr>"
        )
    out.append("</table>")
    return "".join(out)


def _kind_table(by_kind: Mapping[str, Any]) -> str:
    names = [n for n in METRIC_NAMES if any(n in g["metrics"] for g in by_kind.values())]
    out = ["<table><tr><th>kind</th><th>cases</th><th>passed</th>"]
    out += [f"<th class='small'>{_e(n)}</th>" for n in names]
    out.append("</tr>")
    for kind, g in by_kind.items():
        out.append(f"<tr><td>{_e(kind)}</td><td class='num'>{g['cases']}</td><td class='num'>{g['passed']}</td>")
        for n in names:
            m = g["metrics"].get(n)
            if m is None:
                out.append("<td></td>")
            else:
                lower = not SPECS_BY_NAME[n].higher_is_better
                out.append(f"<td class='num'>{_bar(m['value'], lower)}{_fmt(m['value'])}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def _latency_table(latency: Mapping[str, Any]) -> str:
    out = ["<table><tr><th>route</th><th>n</th><th>p50 ms</th><th>p95 ms</th><th>max ms</th></tr>"]
    for route, v in latency.items():
        out.append(
            f"<tr><td>{_e(route)}</td><td class='num'>{v['n']}</td><td class='num'>{v['p50_ms']:.1f}</td>"
            f"<td class='num'>{v['p95_ms']:.1f}</td><td class='num'>{v['max_ms']:.1f}</td></tr>"
        )
    out.append("</table><p class='small'>Latency is reported, not gated, and not part of the determinism check.</p>")
    return "".join(out)


def _citations_html(citations: Sequence[Mapping[str, Any]]) -> str:
    if not citations:
        return "<div class='small'>no citations</div>"
    out = []
    for c in citations:
        out.append(
            f"<div class='cite'><b>[{_e(c.get('n'))}]</b> <span class='small'>{_e(c.get('doc_id'))} · "
            f"{_e(c.get('section'))} · {_e(c.get('passage_id'))} · chars {_e(c.get('start'))}–{_e(c.get('end'))}</span>"
            f"<br>{_e(c.get('quote') or c.get('text'))}</div>"
        )
    return "".join(out)


def _actual_html(actual: Mapping[str, Any] | None) -> str:
    if not actual:
        return "<div class='small'>nothing came back</div>"
    bits = []
    for key in ("status", "route"):
        if actual.get(key) is not None:
            bits.append(f"{key}: <b>{_e(actual[key])}</b>")
    decision = actual.get("decision")
    if isinstance(decision, Mapping):
        bits.append(f"decision: <b>{_e(decision.get('decision'))}</b> pathway: {_e(decision.get('pathway'))}")
    elif decision is not None:
        bits.append(f"decision: <b>{_e(decision)}</b>")
    if actual.get("pathway") is not None:
        bits.append(f"pathway: {_e(actual['pathway'])}")
    if actual.get("raised") is not None or "message" in actual:
        bits.append(f"raised: {_e(actual.get('raised'))} — {_e(actual.get('message'))}")
    out = ["<div>" + " · ".join(bits) + "</div>"]
    if actual.get("warnings"):
        out.append("<div class='small'>warnings: " + _e(json.dumps(actual["warnings"], ensure_ascii=False)) + "</div>")
    if actual.get("answer"):
        out.append(f"<div class='answer'>{_e(actual['answer'])}</div>")
    if "citations" in actual:
        out.append(_citations_html(actual.get("citations") or []))
    return "".join(out)


def _expected_html(expected: Mapping[str, Any]) -> str:
    shown = {k: v for k, v in expected.items() if v not in (None, [], "") and k != "turns"}
    return f"<div class='mono answer'>{_e(json.dumps(shown, indent=1, ensure_ascii=False))}</div>"


def _failure_html(r: Mapping[str, Any]) -> str:
    head = f"{_e(r['id'])} <span class='small'>{_e(r['type'])} · {_e(r.get('kind'))} · {_e(r.get('source'))}</span>"
    out = [f"<details><summary>{head}</summary>"]
    out.append("<ul class='fail-list'>" + "".join(f"<li>{_e(f)}</li>" for f in r.get("failures") or []) + "</ul>")
    if r["type"] != "conversation":  # a conversation's expectations are shown turn by turn
        out.append("<b>Expected</b>" + _expected_html(r.get("expected") or {}))
    if r.get("retrieval") is not None:
        ret = r["retrieval"]
        top = ", ".join(f"{t.get('id')} ({t.get('start')}–{t.get('end')})" for t in ret.get("top") or [])
        out.append(
            f"<div class='small'>gold passage rank: <b>{_e(ret.get('rank') or 'not in top 10')}</b>; "
            f"top 5: {_e(top)}{' · error: ' + _e(ret['error']) if ret.get('error') else ''}</div>"
        )
    if r["type"] == "conversation":
        for t in r.get("turns") or []:
            mark = "✓" if t.get("passed") else "✗"
            out.append(f"<div><b>{mark} turn {t['turn']}</b>: {_e(t['user'])}</div>")
            exp = {k: v for k, v in (t.get("expect") or {}).items() if v not in (None, [], "")}
            out.append(f"<div class='small'>expected: {_e(json.dumps(exp, ensure_ascii=False))}</div>")
            if t.get("failures"):
                out.append("<ul class='fail-list'>" + "".join(f"<li>{_e(f)}</li>" for f in t["failures"]) + "</ul>")
            out.append(_actual_html(t.get("actual")))
    else:
        out.append("<b>Came back</b>" + _actual_html(r.get("actual")))
    cs = r.get("citation_support")
    if cs and cs.get("unsupported"):
        out.append(
            "<div class='small'>unsupported cited sentences: "
            + _e(json.dumps(cs["unsupported"], ensure_ascii=False))
            + "</div>"
        )
    out.append("</details>")
    return "".join(out)


def render_html(report: Mapping[str, Any]) -> str:
    summary = report["summary"]
    gate = report.get("gate") or {}
    counts = summary["counts"]
    if not gate.get("enforced"):
        banner = ("warn", "Gate not applied: " + "; ".join(gate.get("warnings") or ["no baseline"]))
    elif gate.get("passed"):
        banner = ("pass", "Gate passed: no metric fell below the baseline beyond its tolerance")
    else:
        banner = ("fail", "Gate FAILED: regressed " + ", ".join(gate.get("regressions") or []))
    failures = [r for r in report.get("cases") or [] if not r.get("passed")]
    run = report.get("run") or {}
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        f"<title>mdsbot eval: {counts['passed']}/{counts['cases']} passed</title><style>{_CSS}</style></head><body>",
        "<h1>mdsbot evaluation report</h1>",
        f"<div class='small'>{counts['cases']} cases ({_e(', '.join(f'{k}: {v}' for k, v in counts['by_type'].items()))}) · "
        f"{counts['passed']} passed · {counts['failed']} failed · case set {_e(run.get('case_set'))} · "
        f"files: {_e(', '.join(run.get('case_files') or []))}</div>",
        f"<div class='banner {banner[0]}'>{_e(banner[1])}</div>",
    ]
    if gate.get("enforced") and gate.get("warnings"):
        parts.append("<div class='banner warn'>" + _e("; ".join(gate["warnings"])) + "</div>")
    if gate.get("newly_failing_cases"):
        parts.append(
            "<div class='small'>Cases that passed in the baseline and fail now: "
            + _e(", ".join(gate["newly_failing_cases"]))
            + "</div>"
        )
    parts += [
        "<h2>Summary</h2>",
        _summary_table(summary, gate),
        "<p class='small'>↓ lower is better. Tolerance is absolute; see docs/eval.md.</p>",
        "<h2>Pass rate per case kind</h2>",
        _svg_kind_bars(summary["by_kind"]),
        "<h2>Metrics per case kind</h2>",
        "<div class='scroll'>" + _kind_table(summary["by_kind"]) + "</div>",
    ]
    if summary.get("by_drug"):
        parts += ["<h2>Rules cases per drug</h2>", "<div class='scroll'>" + _kind_table(summary["by_drug"]) + "</div>"]
    parts += ["<h2>Latency per route</h2>", _latency_table(report.get("latency") or {})]
    parts.append(f"<h2>Failing cases ({len(failures)})</h2>")
    if not failures:
        parts.append("<p>None.</p>")
    parts += [_failure_html(r) for r in failures]
    parts.append("</body></html>\n")
    return "".join(parts)
