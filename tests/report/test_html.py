"""The HTML report: self-contained, escaped, with the chart, transcript, figures and score explanation."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from actions.report import build_report, render_html, render_text
from actions.report.html import rapport_chart

HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
TURNS = [
    {"speaker": "peer", "text": "Hi. I don't know why I'm here."},
    {"speaker": "trainee", "text": "What's been going on for you?"},
    {"speaker": "peer", "text": HOSTILE},
    {"speaker": "trainee", "text": "You should just tell a teacher. " + HOSTILE},
    {"speaker": "trainee", "text": "That sounds really hard, like you can't get away from it."},
]


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs


@pytest.fixture(scope="module")
def page():
    return render_html(build_report(TURNS, session_id='s"1<', scenario_id="bullied_at_school"))


def test_user_text_is_escaped(page):
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;" in page and "s&quot;1&lt;" in page


@pytest.mark.parametrize("pattern", [r"https?://", r"\bsrc=", r"@import", r"url\(", r"<link\b", r"<script\b"])
def test_loads_nothing_external(page, pattern):
    assert not re.search(pattern, page.replace("&lt;img src=x", ""))


@pytest.mark.parametrize("needle", [
    "<svg", "@media print", "How the score is worked out", "Transcript", "Reflections per question",
    "You could try:", "advising", "Moments worth a second look", "What went well",
])
def test_sections_present(page, needle):
    assert needle in page


def test_flagged_turn_marked_on_chart_and_in_transcript(page):
    parser = _Collect()
    parser.feed(page)
    assert parser.tags.count("rect") == 1  # one flagged message
    assert 'class="turn trainee flagged"' in page


@pytest.mark.parametrize(("arc", "flagged", "rects", "circles"), [
    ([1], [], 0, 0),
    ([1, 2], [], 0, 2),
    ([1, -2, 0, 3], [1], 1, 3),
    (list(range(40)), [5, 6, 7], 3, 37),
])
def test_chart_points(arc, flagged, rects, circles):
    svg = rapport_chart(arc, flagged)
    assert svg.count("<rect") == rects and svg.count("<circle") == circles


def test_text_form_is_short_and_quotes_a_strength():
    text = render_text(build_report(TURNS, scenario_id="bullied_at_school"), "Sam")
    lines = text.splitlines()
    assert 2 <= len(lines) <= 4
    assert lines[0].startswith("- Listening score: ")
    assert any("What's been going on for you?" in line or "That sounds really hard" in line for line in lines)


def test_text_form_is_empty_without_trainee_turns():
    assert render_text(build_report([{"speaker": "peer", "text": "Hi."}])) == ""
