"""The session report as one self-contained HTML page.

Inline CSS and an inline SVG chart only: no scripts, fonts, images or links to load, so the page works
offline and prints cleanly. Every piece of text that came from a trainee, a peer or the input (ids,
names, flags, rephrasings) is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from actions.report.metrics import BEHAVIOURS

_CSS = """
:root { --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; --good: #1d7a4f; --bad: #b42318;
        --accent: #2f5d8a; --paper: #ffffff; --soft: #f5f7fa; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: var(--ink);
       background: var(--paper); margin: 0 auto; max-width: 60rem; padding: 1.5rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.15rem; margin: 1.75rem 0 .5rem;
     border-bottom: 2px solid var(--line); padding-bottom: .2rem; }
.sub { color: var(--muted); margin: 0; }
.score { display: flex; gap: 1.5rem; align-items: center; margin: 1rem 0; }
.score .big { font-size: 3rem; font-weight: 700; color: var(--accent); line-height: 1; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num { text-align: right; white-space: nowrap; }
.level-good { color: var(--good); font-weight: 600; } .level-fair { color: var(--accent); font-weight: 600; }
.level-below { color: var(--bad); font-weight: 600; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; margin: .5rem 0;
        break-inside: avoid; }
.card.flagged { border-left: 4px solid var(--bad); } .card.worked { border-left: 4px solid var(--good); }
.quote { font-style: italic; }
.turn { margin: .35rem 0; padding: .4rem .7rem; border-radius: 6px; break-inside: avoid; }
.turn.peer { background: var(--soft); margin-right: 4rem; }
.turn.trainee { border: 1px solid var(--line); margin-left: 4rem; }
.turn.trainee.flagged { border-color: var(--bad); }
.who { font-weight: 600; font-size: .85rem; color: var(--muted); }
.note { font-size: .85rem; color: var(--muted); margin-top: .2rem; }
.note.flag { color: var(--bad); }
.tag { display: inline-block; font-size: .75rem; padding: 0 .4rem; border-radius: 3px;
       background: #e3f1ea; color: var(--good); margin-right: .25rem; }
.tag.bad { background: #fdecea; color: var(--bad); }
svg { width: 100%; height: auto; max-height: 16rem; }
.legend { font-size: .85rem; color: var(--muted); }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; }
  .turn.peer { margin-right: 2rem; } .turn.trainee { margin-left: 2rem; }
  a { color: inherit; text-decoration: none; }
}
"""


NO_STRENGTHS = ("<p>No listening move to quote yet: try an open question or saying back a feeling "
                "you heard.</p>")


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _level_class(level: str) -> str:
    return {"good": "level-good", "fair": "level-fair", "below fair": "level-below"}.get(level, "")


def rapport_chart(arc: Sequence[int], flagged: Sequence[int], width: int = 720, height: int = 220) -> str:
    """An inline SVG line chart of rapport per trainee turn, flagged turns marked with red squares.

    Args:
        arc: Rapport before the first turn, then after each trainee turn.
        flagged: Numbers (1-based) of the trainee turns the coach flagged.
        width: Drawing width in SVG units.
        height: Drawing height in SVG units.

    Returns:
        The ``<svg>`` element (empty string when there are no turns).
    """
    if len(arc) < 2:
        return ""
    left, right, top, bottom = 40, 12, 12, 30
    low, high = min(min(arc), 0), max(max(arc), 1)
    span_x = max(len(arc) - 1, 1)
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(i: int) -> float:
        return round(left + plot_w * i / span_x, 1)

    def y(v: int) -> float:
        return round(top + plot_h * (high - v) / (high - low), 1)

    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-title">',
             f'<title id="chart-title">Rapport after each of your {len(arc) - 1} messages; '
             f'{len(flagged)} flagged.</title>']
    step = max(1, round((high - low) / 5))
    for v in range(low, high + 1, step):
        thick = ' stroke-width="2"' if v == 0 else ""
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(v)}" y2="{y(v)}" '
                     f'stroke="#d9e2ec"{thick}/>'
                     f'<text x="{left - 6}" y="{y(v) + 4}" font-size="11" text-anchor="end" '
                     f'fill="#52606d">{v}</text>')
    label_every = max(1, len(arc) // 15)
    for i in range(0, len(arc), label_every):
        parts.append(f'<text x="{x(i)}" y="{height - 10}" font-size="11" text-anchor="middle" '
                     f'fill="#52606d">{i}</text>')
    points = " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(arc))
    parts.append(f'<polyline points="{points}" fill="none" stroke="#2f5d8a" stroke-width="2.5"/>')
    marked = set(flagged)
    for i, v in enumerate(arc):
        if i in marked:
            parts.append(f'<rect x="{x(i) - 5}" y="{y(v) - 5}" width="10" height="10" fill="#b42318">'
                         f'<title>Message {i}: flagged, rapport {v}</title></rect>')
        else:
            parts.append(f'<circle cx="{x(i)}" cy="{y(v)}" r="3.5" fill="#2f5d8a">'
                         f'<title>{"Start" if i == 0 else f"Message {i}"}: rapport {v}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


def _metrics_rows(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    counts = report["counts"]
    rq = report["rq_ratio"]
    refl = report["reflections"]
    rows = [(BEHAVIOURS[key], str(counts[key]), "") for key in BEHAVIOURS]
    rows.insert(3, ("  of which complex (adds feeling or meaning)",
                    f"{refl['complex']} of {refl['total']}" if refl["total"] else "-",
                    f"MITI: fair 40%, good 50%; yours {refl['level']}"))
    rq_value = "no questions" if rq["value"] is None else f"{rq['value']:.2f} : 1"
    rows.append(("Reflections per question", rq_value, f"MITI: fair 1:1, good 2:1; yours {rq['level']}"))
    rows.append(("Questions that are open", "-" if report["percent_open"] is None else
                 f"{report['percent_open']}%", ""))
    directive = report["directive"]
    by_cat = ", ".join(f"{c.replace('_', ' ')} {n}" for c, n in directive["by_category"].items()) or "none"
    flagged = f"{directive['turns']} ({directive['percent']}%)"
    rows.append(("Messages with directive language", flagged, by_cat))
    share = report["talk"]["trainee_share"]
    rows.append(("Your share of the words", "-" if share is None else f"{share}%", "a listener talks less"))
    layer = report["layer"]
    depth = f"{layer['deepest'] + 1}" + (f" of {layer['of']}" if layer["of"] else "")
    rows.append(("Deepest layer the peer opened", depth, layer["label"] or ""))
    rapport = report["rapport"]
    rows.append(("Rapport", f"{rapport['start']} → {rapport['end']}",
                 f"lowest {rapport['min']}, highest {rapport['max']}"))
    return rows


def _transcript(turns: Sequence[dict[str, Any]], peer_name: str) -> str:
    out = []
    for turn in turns:
        if turn.get("speaker") == "peer":
            out.append(f'<div class="turn peer"><div class="who">{_e(peer_name)}</div>'
                       f'{_e(turn["text"])}</div>')
            continue
        flagged = bool(turn.get("directive"))
        kind = f' ({_e(turn["reflection"])})' if turn.get("reflection") else ""
        tags = "".join(f'<span class="tag">{_e(BEHAVIOURS.get(b, b).lower())}'
                       f'{kind if b == "reflection" else ""}</span>' for b in turn.get("behaviours") or ())
        tags += "".join(f'<span class="tag bad">{_e(str(f.get("category")).replace("_", " "))}</span>'
                        for f in turn.get("flags") or ())
        delta = int(turn.get("delta", 0))
        notes = [f'<div class="note">Rapport {"+" if delta > 0 else ""}{delta} → {_e(turn.get("rapport"))} '
                 f"{tags}</div>"]
        for flag in turn.get("flags") or ():
            if flag.get("rephrasing"):
                notes.append(f'<div class="note flag">Coach: “{_e(flag.get("text"))}” could be: '
                             f'“{_e(flag["rephrasing"])}”</div>')
        out.append(f'<div class="turn trainee{" flagged" if flagged else ""}"><div class="who">You '
                   f'(message {_e(turn.get("number"))})</div>{_e(turn["text"])}{"".join(notes)}</div>')
    return "\n".join(out)


def render_html(report: dict[str, Any], *, title: str = "Practice debrief") -> str:
    """The report as a complete, self-contained HTML document.

    Args:
        report: From ``actions.report.build_report`` (with ``turns_detail`` for the transcript).
        title: The page title.

    Returns:
        The HTML text.
    """
    scenario = report.get("scenario") or {}
    peer_name = scenario.get("peer") or "Peer"
    detail = report.get("turns_detail") or []
    flagged = [t["number"] for t in detail if t.get("speaker") == "trainee" and t.get("directive")]
    rq_level = report["rq_ratio"]["level"]
    rows = "".join(f"<tr><td>{_e(name)}</td><td class=\"num\">{_e(value)}</td><td>{_e(note)}</td></tr>"
                   for name, value, note in _metrics_rows(report))
    parts_rows = "".join(
        f"<tr><td>{_e(p['name'])}</td><td class=\"num\">"
        f"{'not measured' if p['points'] is None else _e(p['points'])} / {p['max']}</td></tr>"
        for p in report["score_parts"])
    moments = "".join(
        f'<div class="card {_e(m["kind"])}"><div class="quote">“{_e(m["text"])}”</div>'
        f'<div>Message {_e(m["turn"])}: {_e(m["effect"])}'
        f'{" (" + _e(str(m["category"]).replace("_", " ")) + ")" if m.get("category") else ""}.</div>'
        + (f'<div>You could try: “{_e(m["rephrasing"])}”</div>' if m.get("rephrasing") else "")
        + ("<div>This worked: keep doing it.</div>" if m["kind"] == "worked" else "")
        + "</div>" for m in report.get("moments") or ())
    strengths = "".join(
        f'<div class="card worked"><strong>{_e(s["title"])}</strong> ({_e(s["count"])}×)'
        f'<div class="quote">“{_e(s["quote"])}” (message {_e(s["turn"])})</div>'
        f'<div>{_e(s["why"])}</div></div>'
        for s in report.get("strengths") or ()) or NO_STRENGTHS
    heading = f"Conversation with {_e(peer_name)}" if scenario else "Practice conversation"
    sub = _e(scenario.get("title") or "") + (f" · session {_e(report['id'])}" if report.get("id") else "")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title><style>{_CSS}</style></head>
<body>
<header><h1>{heading}</h1><p class="sub">{sub}</p></header>
<section class="score"><div class="big">{_e(report["score"])}</div>
<div><strong>Listening score out of 100</strong><br>
Reflections per question: <span class="{_level_class(rq_level)}">{_e(rq_level)}</span> ·
{_e(report["turns"]["trainee"])} messages · {_e(report["directive"]["turns"])} flagged</div></section>
<h2>Rapport across the conversation</h2>
{rapport_chart(report["rapport"]["arc"], flagged)}
<p class="legend">Rapport before your first message (0 on the axis) and after each one; red squares mark
messages the coach flagged. Rapport is the simulated peer's, replayed from what you wrote.</p>
<h2>Moments worth a second look</h2>
{moments or "<p>Nothing stood out: no flagged messages and no big changes in rapport.</p>"}
<h2>What went well</h2>
{strengths}
<h2>Figures</h2>
<table><thead><tr><th>What</th><th>Yours</th><th>Notes</th></tr></thead><tbody>{rows}</tbody></table>
<h2>How the score is worked out</h2>
<table><thead><tr><th>Part</th><th>Points</th></tr></thead><tbody>{parts_rows}</tbody></table>
<p>{_e(report["score_explanation"])}</p>
<p class="legend">Moves were read {_e(report.get("classified") or "")}.</p>
<h2>Transcript</h2>
{_transcript(detail, peer_name)}
</body></html>
"""
