"""Look of the app: a theme with system fonts only (nothing fetched), the CSS and one small script."""

from __future__ import annotations

from typing import Any

SANS = ("system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif")
MONO = ("ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "Liberation Mono", "monospace")


def app_theme() -> Any:
    """Gradio's default theme with system font stacks: no GoogleFont, no font files at all."""
    import gradio as gr

    font = [gr.themes.Font(name) for name in SANS]
    mono = [gr.themes.Font(name) for name in MONO]
    return gr.themes.Default(primary_hue="blue", secondary_hue="slate", neutral_hue="slate", font=font, font_mono=mono)


APP_CSS = """
.mds-header h1 { margin: 0; font-size: 1.6rem; }
.mds-header span { color: var(--body-text-color-subdued); }
.mds-msg { line-height: 1.45; }
.mds-badge { display: inline-block; margin: 0 6px 6px 0; padding: 2px 10px; border-radius: 999px; font-weight: 600; font-size: 0.85em; }
.mds-badge-refused { background: #e2e8f0; color: #334155; border: 1px solid #94a3b8; }
.mds-badge-needs { background: #fef3c7; color: #92400e; border: 1px solid #f59e0b; }
.mds-badge-blocked { background: #fee2e2; color: #991b1b; border: 1px solid #ef4444; }
.mds-badge-conflict { background: #ffedd5; color: #9a3412; border: 1px solid #fb923c; }
.mds-badge-rules { background: #dbeafe; color: #1e3a8a; border: 1px solid #60a5fa; }
.mds-status-refused .mds-answer { color: #475569; font-style: italic; }
.mds-blocked .mds-answer { border-left: 4px solid #ef4444; padding-left: 8px; }
.mds-status-needs_information .mds-answer { border-left: 4px solid #f59e0b; padding-left: 8px; }
a.mds-cite-marker { text-decoration: none; font-weight: 700; color: #1d4ed8; cursor: pointer; }
a.mds-cite-marker sup { font-size: 0.75em; }
.mds-sources { margin-top: 10px; border-top: 1px solid var(--border-color-primary); padding-top: 6px; }
.mds-sources-title, .mds-missing-title, .mds-warnings-title, .mds-conflict-title, .mds-caveats-title,
.mds-dropped-title, .mds-options-title, .mds-group-title { font-weight: 700; margin: 4px 0; }
details.mds-cite { margin: 4px 0; padding: 4px 8px; border: 1px solid var(--border-color-primary); border-radius: 6px; }
details.mds-cite > summary { cursor: pointer; }
details.mds-cite.mds-flash { box-shadow: 0 0 0 3px #93c5fd; }
.mds-cite-n { font-weight: 700; color: #1d4ed8; }
.mds-cite-title { font-weight: 600; }
.mds-cite-doc { margin-top: 4px; font-style: italic; }
.mds-cite-meta, .mds-cite-span, .mds-doc-meta, .mds-passage-head, .mds-ruleset { color: var(--body-text-color-subdued); font-size: 0.85em; }
blockquote.mds-passage { margin: 6px 0; padding: 4px 10px; border-left: 3px solid #94a3b8; }
.mds-msg mark, .mds-passage mark { background: #fde68a; color: inherit; padding: 0 1px; }
.mds-notes { margin: 6px 0; color: #1e3a8a; }
.mds-guard-action { margin: 6px 0; padding: 4px 8px; border-left: 3px solid #b45309; background: #fffbeb; color: #78350f; font-size: 0.9em; }
details.mds-guard-action > summary { cursor: pointer; font-weight: 600; }
details.mds-guard-action ul { margin: 4px 0 0 0; padding-left: 18px; }
.mds-conflict { margin: 8px 0; padding: 8px 10px; background: #fff7ed; border: 1px solid #fb923c; border-left: 5px solid #ea580c; border-radius: 6px; color: #431407; }
.mds-missing { margin: 8px 0; padding: 8px 10px; background: #fffbeb; border: 1px solid #f59e0b; border-radius: 6px; color: #451a03; }
.mds-missing ul, .mds-warnings ul, .mds-conflict ul { margin: 4px 0 0 0; padding-left: 18px; }
.mds-warnings { margin: 8px 0; padding: 8px 10px; background: #fefce8; border: 1px solid #eab308; border-radius: 6px; color: #422006; }
.mds-decision { margin: 6px 0; }
.mds-banner { font-size: 1.25em; font-weight: 800; padding: 10px 14px; border-radius: 8px; color: white; }
.mds-banner-meets_criteria { background: #15803d; }
.mds-banner-does_not_meet { background: #b91c1c; }
.mds-banner-insufficient_documentation { background: #b45309; }
.mds-banner, .mds-banner * { color: white !important; }
.mds-banner-drug { font-weight: 600; opacity: 0.95; }
details.mds-decision-details { margin: 8px 0; }
details.mds-decision-details > summary { cursor: pointer; font-weight: 600; }
.mds-summary, .mds-pathway { margin: 6px 2px; }
details.mds-pathway-block { margin: 8px 0; border: 1px solid var(--border-color-primary); border-radius: 6px; padding: 4px 8px; }
details.mds-pathway-block > summary { cursor: pointer; }
.mds-table { width: 100%; border-collapse: collapse; font-size: 0.9em; margin: 6px 0; }
.mds-table th, .mds-table td { border: 1px solid var(--border-color-primary); padding: 4px 6px; vertical-align: top; text-align: left; }
.mds-table th { background: var(--background-fill-secondary); }
td.mds-crit-status { font-size: 1.2em; font-weight: 800; text-align: center !important; width: 2em; }
tr.mds-crit-met td.mds-crit-status { color: #15803d; }
tr.mds-crit-not_met td.mds-crit-status { color: #b91c1c; }
tr.mds-crit-missing td.mds-crit-status { color: #b45309; }
.mds-note { color: var(--body-text-color-subdued); font-size: 0.85em; font-style: italic; }
.mds-source-doc { font-weight: 600; }
.mds-pill { padding: 1px 8px; border-radius: 999px; color: white; font-weight: 600; white-space: nowrap; }
.mds-pill-meets_criteria { background: #15803d; }
.mds-pill-does_not_meet { background: #b91c1c; }
.mds-pill-insufficient_documentation { background: #b45309; }
.mds-error { color: #b91c1c; font-weight: 600; padding: 2px 4px; }
.mds-field-error { margin-top: -4px; }
.mds-loading { color: #92400e; background: #fffbeb; border: 1px solid #f59e0b; border-radius: 6px; padding: 4px 10px; }
.mds-empty { color: var(--body-text-color-subdued); padding: 20px; text-align: center; border: 1px dashed var(--border-color-primary); border-radius: 8px; }
.mds-group-title { padding: 6px 10px 0 10px; }
.mds-caveats { margin: 8px 0; padding: 8px 10px; background: #fffbeb; border: 1px solid #f59e0b; border-radius: 6px; color: #451a03; }
.mds-dropped { margin: 8px 0; padding: 8px 10px; background: #f1f5f9; border: 1px solid #94a3b8; border-radius: 6px; color: #0f172a; }
.mds-repairs { margin: 8px 0; }
.mds-section { margin: 14px 0 4px 0; border-bottom: 1px solid var(--border-color-primary); }
.mds-passage-card { margin: 6px 0; padding: 6px 10px; border: 1px solid var(--border-color-primary); border-radius: 6px; }
.mds-passage-text { margin: 4px 0; }
.mds-repaired { font-size: 0.85em; color: #92400e; }
.mds-hint { color: var(--body-text-color-subdued); font-size: 0.85em; margin-top: -6px; }
.mds-hint kbd { font-family: inherit; border: 1px solid var(--border-color-primary); border-radius: 4px; padding: 0 4px; }
.mds-decision-id { margin: 4px 2px; font-size: 0.9em; color: var(--body-text-color-subdued); }
.mds-decision-id code { user-select: all; }
.mds-record-head th, .mds-record-basis th { width: 28%; }
.mds-decisions-count { color: var(--body-text-color-subdued); }
/* A phone: the question box takes the whole width, the buttons go below it. */
@media (max-width: 640px) {
  #chat-input-row { flex-direction: column; }
  #chat-input-row > * { width: 100%; min-width: 0 !important; flex: 1 1 auto !important; }
  #chat-buttons { flex-direction: row; }
}
pre.mds-raw { white-space: pre-wrap; font-size: 0.85em; background: var(--background-fill-secondary); padding: 6px; border-radius: 4px; }
"""

# The Medical necessity tab (bot/webapp/check_tab.py): one screen for a check. On a wide screen the
# result column stays in view beside the form; the actions stay at the foot of the screen.
CHECK_CSS = """
.gradio-container { overflow: clip !important; }  /* clip, not hidden: hidden would stop position: sticky */
.mds-check-result { position: sticky; top: 8px; align-self: flex-start; max-height: calc(100vh - 16px); overflow-y: auto; }
@media (max-width: 760px) { .mds-check-result { position: static; max-height: none; overflow: visible; } }
.mds-actions { position: sticky; bottom: 0; z-index: 100; background: #ffffff !important;
  padding: 8px 4px; border-top: 1px solid var(--border-color-primary); box-shadow: 0 -4px 8px rgba(0,0,0,0.06); }
.mds-actions { flex-wrap: nowrap !important; }
.mds-actions button { padding-left: 6px !important; padding-right: 6px !important; }
.mds-notice { margin: 6px 0; padding: 6px 10px; border: 1px solid #f59e0b; background: #fffbeb; color: #78350f;
  border-radius: 6px; font-weight: 600; font-size: 0.9em; }
.mds-decision-id { margin: 4px 2px; color: var(--body-text-color-subdued); font-size: 0.9em; }
.mds-reasons { margin: 8px 0; padding: 8px 10px; background: #fef2f2; border: 1px solid #fca5a5; border-radius: 6px; color: #450a0a; }
.mds-reasons ul { margin: 4px 0 0 0; padding-left: 18px; }
.mds-reasons-title { font-weight: 700; }
.mds-pathway-why { margin: 4px 0; color: #991b1b; font-weight: 600; }
.mds-pathway-basis { margin: 2px 0; color: var(--body-text-color-subdued); font-size: 0.85em; }
.mds-field-note { color: #1e3a8a; font-size: 0.9em; padding: 2px 4px; }
.mds-therapy { margin: 6px 0; }
.mds-therapy-title { font-weight: 600; padding: 6px 10px 0 10px; }
.mds-options-table { table-layout: fixed; }
.mds-options-table th:nth-child(1) { width: 24%; }
.mds-options-table th:nth-child(2) { width: 26%; }
.mds-options-table td, .mds-criteria td { overflow-wrap: break-word; }
@media (max-width: 760px) {  /* a criteria table as one card per criterion: no squeezed columns */
  table.mds-criteria, table.mds-criteria tbody, table.mds-criteria tr, table.mds-criteria td,
  table.mds-options-table, table.mds-options-table tbody, table.mds-options-table tr, table.mds-options-table td { display: block; width: auto; }
  table.mds-criteria thead, table.mds-options-table thead { display: none; }
  table.mds-criteria tr, table.mds-options-table tr { border: 1px solid var(--border-color-primary); border-radius: 4px; margin: 6px 0; padding: 2px 0; }
  table.mds-criteria td, table.mds-options-table td { border: none; padding: 2px 8px; }
  table.mds-criteria td.mds-crit-status { text-align: left !important; width: auto; }
  table.mds-criteria td[data-label]::before, table.mds-options-table td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; }
}
.mds-options .mds-pill { white-space: normal; display: inline-block; }
"""
APP_CSS += CHECK_CSS

# Clicking a citation marker opens its source passage (a <details>) and scrolls to it.
APP_JS = """
() => {
  document.addEventListener('click', (event) => {
    const marker = event.target.closest('a.mds-cite-marker');
    if (!marker) return;
    const target = document.getElementById(marker.dataset.cite || (marker.getAttribute('href') || '').slice(1));
    if (!target) return;
    event.preventDefault();
    target.open = true;
    target.scrollIntoView({block: 'nearest', behavior: 'smooth'});
    target.classList.add('mds-flash');
    setTimeout(() => target.classList.remove('mds-flash'), 1500);
  });
}
"""
