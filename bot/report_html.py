"""`policybot report --html FILE`: the report as one self-contained page a coordinator opens in a
browser. Charts are inline SVG written here, styles are inline: the page fetches nothing, works
offline and from an e-mail attachment, and prints. Every text from the log is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

# Each chart has a colour of its own (the browser test looks for them in a screenshot).
SHARE_COLOUR = "#2a9d8f"
TOPIC_COLOUR = "#e76f51"
DOWN_COLOUR = "#c0392b"
UP_COLOUR = "#3f7fbf"

_STYLE = """
body { font-family: system-ui, "Noto Sans TC", "Microsoft JhengHei", sans-serif; margin: 2rem auto;
       max-width: 60rem; padding: 0 1rem; color: #222; line-height: 1.5; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #eee; vertical-align: top; }
th { background: #f6f6f6; } td.n { text-align: right; white-space: nowrap; }
.muted { color: #777; font-size: .85rem; } .phr { color: #555; font-size: .85rem; }
.cards { display: flex; gap: 1rem; flex-wrap: wrap; }
.card { border: 1px solid #ddd; border-radius: .5rem; padding: .6rem 1rem; min-width: 9rem; }
.card b { display: block; font-size: 1.5rem; }
svg text { font-family: inherit; font-size: 12px; fill: #333; }
"""


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f}%"


def weekly_chart(weeks: list[dict[str, Any]]) -> str:
    """Bars of the confident share per week (0–100%), with 👍/👎 dots under each bar."""
    if not weeks:
        return '<p class="muted">No weeks logged yet.</p>'
    bar, gap, left, top, height = 28, 10, 44, 14, 180
    width = left + len(weeks) * (bar + gap) + 10
    parts = [
        f'<svg class="chart" id="weekly-chart" role="img" aria-label="confident answers per week" '
        f'width="{width}" height="{top + height + 64}" viewBox="0 0 {width} {top + height + 64}">'
    ]
    for tick in (0, 25, 50, 75, 100):
        y = top + height - tick * height / 100
        parts.append(f'<line x1="{left - 4}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        parts.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{tick}%</text>')
    for index, week in enumerate(weeks):
        x = left + index * (bar + gap)
        share = week["share"]
        if share is not None:
            h = max(share * height, 1.0)
            parts.append(
                f'<rect class="bar" x="{x}" y="{top + height - h:.1f}" width="{bar}" height="{h:.1f}" '
                f'fill="{SHARE_COLOUR}"><title>{escape(week["week"])}: {_pct(share)} '
                f"({week['confident']}/{week['rated']})</title></rect>"
            )
        label_y = top + height + 16
        parts.append(f'<text x="{x + bar / 2}" y="{label_y}" text-anchor="middle">{escape(week["week"][5:])}</text>')
        if week["up"]:
            parts.append(f'<circle cx="{x + bar / 4}" cy="{label_y + 16}" r="5" fill="{UP_COLOUR}"/>')
        if week["down"]:
            parts.append(f'<circle cx="{x + 3 * bar / 4}" cy="{label_y + 16}" r="5" fill="{DOWN_COLOUR}"/>')
    parts.append("</svg>")
    return "".join(parts)


def topics_chart(topics: list[dict[str, Any]]) -> str:
    """Horizontal bars: how often each topic was asked."""
    if not topics:
        return '<p class="muted">No answered questions yet.</p>'
    shown = topics[:12]
    most = max(t["count"] for t in shown)
    label_w, bar_w, row = 230, 380, 24
    height = len(shown) * row + 8
    parts = [
        f'<svg class="chart" id="topics-chart" role="img" aria-label="most-asked topics" '
        f'width="{label_w + bar_w + 60}" height="{height}" viewBox="0 0 {label_w + bar_w + 60} {height}">'
    ]
    for index, topic in enumerate(shown):
        y = 4 + index * row
        w = max(topic["count"] / most * bar_w, 2.0)
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{escape(topic["title"])}</text>')
        parts.append(
            f'<rect class="bar" x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" fill="{TOPIC_COLOUR}">'
            f"<title>{escape(topic['title'])}: {topic['count']}</title></rect>"
        )
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 15}">{topic["count"]}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    if not rows:
        return '<p class="muted">None.</p>'
    numeric = numeric or set()
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def html(report: dict[str, Any]) -> str:
    """The whole page."""
    period = f"{report['first'][:10]} – {report['last'][:10]}" if report["first"] else "no turns logged"
    feedback = report["feedback"]
    cards = [
        ("turns", str(report["turns"])),
        ("confident answers", _pct(report["confident_share"])),
        ("unanswered groups", str(len(report["unanswered"]))),
        ("marked helpful", str(feedback["up"])),
        ("marked wrong", f"{feedback['down']} ({feedback['comments']} with comments)"),
    ]
    unanswered = [
        [
            escape(gap["question"])
            + "".join(f'<div class="phr">· {escape(p)}</div>' for p in gap["phrasings"][1:5])
            + (f'<div class="phr">… {gap["distinct"] - 5} more phrasings</div>' if gap["distinct"] > 5 else ""),
            str(gap["count"]),
            escape(", ".join(gap["routes"])),
            (
                f"{escape(gap['closest']['entry'])}<div class='phr'>{escape(gap['closest']['title'])} "
                f"({gap['closest']['confidence']:.2f})</div>"
                if gap["closest"]
                else "–"
            ),
            escape(gap["last"][:10]),
        ]
        for gap in report["unanswered"]
    ]
    wrong = [
        [
            escape(item["at"][:16].replace("T", " ")),
            escape(item["question"]),
            escape(item["entry"] or item["route"])
            + (f"<div class='phr'>{escape(item['title'])}</div>" if item["title"] else ""),
            escape(item["comment"]) or '<span class="muted">–</span>',
        ]
        for item in report["wrong"]
    ]
    entries = [
        [escape(e["entry"]), escape(e["title"] or "–"), str(e["count"]), str(e["up"]), str(e["down"])]
        for e in report["entries"]
    ]
    skipped = (
        f'<p class="muted">{report["skipped_rows"]} unreadable row(s) were skipped.</p>'
        if report["skipped_rows"]
        else ""
    )
    since = f" (since {escape(report['since'])})" if report["since"] else ""
    return f"""<!DOCTYPE html>
<html lang="zh-Hant"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>policybot report {escape(period)}</title>
<style>{_STYLE}</style></head>
<body>
<h1>policybot: what teachers asked</h1>
<p class="muted">{escape(period)}{since}. Questions are stored normalised; no names, no chat ids.</p>
{skipped}
<div class="cards">{"".join(f"<div class='card'><b>{escape(v)}</b>{escape(k)}</div>" for k, v in cards)}</div>

<h2>Confident answers week by week</h2>
<p class="muted">Share of turns answered outright (an entry or a calculation) among those answered or
refused; questions asked back are not counted. Dots: weeks with answers marked helpful (blue) and wrong (red).</p>
{weekly_chart(report["weeks"])}

<h2>Most-asked topics</h2>
{topics_chart(report["topics"])}

<h2>Unanswered questions</h2>
<p class="muted">"Not sure" and "the plans do not say", similar phrasings grouped. <code>policybot report
--export FILE</code> writes them as knowledge-base stubs.</p>
{_table(["question (and other phrasings)", "asks", "reply", "closest entry", "last"], unanswered, {1})}

<h2>Answers marked wrong</h2>
{_table(["when", "question", "entry", "comment"], wrong)}

<h2>Most-asked entries</h2>
{_table(["entry", "title", "asks", "helpful", "wrong"], entries, {2, 3, 4})}
</body></html>
"""
