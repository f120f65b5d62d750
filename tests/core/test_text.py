"""bot/core/text.py: user text escaped in HTML and cleaned for plain text; plural(); links
and mentions."""

from __future__ import annotations

import pytest

from bot.core.text import Text, clean, plural

# --- clean() --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("  How do we   bill?  ", "How do we bill?"),
        ("two\nlines\r\nand\ta tab", "two lines and a tab"),
        ("bell\x07 and null\x00 gone", "bell and null gone"),
        ("\u202egnihtemos\u202c reversed", "gnihtemos reversed"),  # bidi overrides
        ("isolate \u2066x\u2069", "isolate x"),
        ("private \ue000use", "private use"),
        ("Zoë, 北京, ✋🏽 stay", "Zoë, 北京, ✋🏽 stay"),
        ("<b>markup</b> & co", "<b>markup</b> & co"),  # clean() is for text; Text escapes
        ("", ""),
    ],
)
def test_clean_removes_what_could_hide_or_reorder_text(raw, shown):
    assert clean(raw) == shown


def test_clean_cuts_at_the_limit_with_an_ellipsis():
    assert clean("abcdef", 10) == "abcdef"
    assert clean("abcdefghij", 10) == "abcdefghij"
    assert clean("abcdefghijk", 10) == "abcdefghi…"
    assert len(clean("x" * 10_000, 40)) == 40
    assert clean("word another", 6) == "word…", "no space before the ellipsis"
    assert clean("abc", 1) == "…"


# --- plural() ------------------------------------------------------------------------------


def test_plural():
    assert plural(1, "vote") == "1 vote"
    assert plural(0, "vote") == "0 votes"
    assert plural(2, "check-in") == "2 check-ins"
    assert plural(1, "person", "people") == "1 person"
    assert plural(3, "person", "people") == "3 people"


# --- Text ------------------------------------------------------------------------------------


def test_everything_added_is_escaped_in_html_and_kept_as_is_in_plain():
    hostile = '<script>alert("x")</script> & <a href="x">'
    text = Text(hostile).line().bold(hostile).add(" ").code(hostile)
    assert text.plain == f"{hostile}\n{hostile} {hostile}"
    assert "<script" not in text.html and "<a " not in text.html
    assert text.html.count("&lt;script&gt;") == 3 and "&amp;" in text.html
    assert text.html.startswith("&lt;script&gt;alert(&quot;x&quot;)")
    assert "<br><strong>&lt;script" in text.html and "<code>&lt;script" in text.html


def test_lines():
    text = Text().line("first").line("second\nthird").line()
    assert text.plain == "first\nsecond\nthird\n"
    assert text.html == "first<br>second<br>third<br>"
    assert not Text() and Text("x") and not Text("")


def test_extend_keeps_both_renderings():
    text = Text("a ").extend(Text().bold("b"))
    assert (text.plain, text.html) == ("a b", "a <strong>b</strong>")


def test_http_links_are_links():
    text = Text().link("https://bbb.example.org/b/ccc?a=1&b=2")
    assert text.plain == "https://bbb.example.org/b/ccc?a=1&b=2"
    assert (
        text.html == '<a href="https://bbb.example.org/b/ccc?a=1&amp;b=2">https://bbb.example.org/b/ccc?a=1&amp;b=2</a>'
    )
    labelled = Text().link("http://example.org/x", "the <call>")
    assert labelled.plain == "the <call> (http://example.org/x)"
    assert labelled.html == '<a href="http://example.org/x">the &lt;call&gt;</a>'
    assert Text().link("https://a.example/", "https://a.example/").plain == "https://a.example/"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "file:///etc/passwd",
        "ftp://example.org/x",
        "//example.org/no-scheme",
        "bbb.example.org/b/ccc",
        ' " onmouseover="alert(1)',
    ],
)
def test_other_schemes_are_shown_as_text_never_made_clickable(url):
    for text in (Text().link(url), Text().link(url, "join <here>")):
        assert "<a" not in text.html and "href" not in text.html
        assert "<script" not in text.html and '"' not in text.html.replace("&quot;", "")
    assert Text().link(url).plain == url
    assert Text().link(url, "join <here>").html == "join &lt;here&gt;"


def test_a_mention_is_a_pill_with_an_escaped_name():
    text = Text("hi ").mention("@alice:example.org", "Alice <b>")
    assert text.plain == "hi Alice <b>"
    assert text.html == 'hi <a href="https://matrix.to/#/@alice:example.org">Alice &lt;b&gt;</a>'
    assert Text().mention("@bob:example.org").plain == "@bob:example.org"
    odd = Text().mention('@"><script>:example.org')
    assert "<script" not in odd.html and 'href="https://matrix.to/#/@&quot;&gt;&lt;script&gt;:example.org"' in odd.html


def test_a_bulleted_list_is_real_list_markup_with_matching_plain_lines():
    text = Text().bold("Top <topics>").bullets([Text("a <b>"), Text().bold("#2").add(" two").line("more")])
    text.line("after")
    assert text.plain == "Top <topics>\n• a <b>\n• #2 two\n  more\nafter"
    assert text.html == (
        "<strong>Top &lt;topics&gt;</strong><ul><li>a &lt;b&gt;</li><li><strong>#2</strong> two<br>more</li></ul>after"
    ), "no line break before or after a list: it is a block of its own"
    assert Text("x").bullets([]).html == "x", "an empty list adds nothing"
    assert Text().bullets([Text("only")]).plain == "• only"


# --- tables ----------------------------------------------------------------------------------


def test_a_table_is_html_table_markup_and_plain_columns_that_line_up_in_monospace():
    text = Text("Attendance:").table(("Session", "People"), [("2026-12-06 19:12", 5), ("2026-12-10 08:00", 12)])
    assert text.html == (
        "Attendance:<table><thead><tr><th>Session</th><th>People</th></tr></thead>"
        "<tbody><tr><td>2026-12-06 19:12</td><td>5</td></tr><tr><td>2026-12-10 08:00</td><td>12</td></tr></tbody>"
        "</table>"
    )
    assert text.plain.splitlines() == [
        "Attendance:",
        "Session           People",
        "2026-12-06 19:12       5",
        "2026-12-10 08:00      12",
    ]


def test_numbers_are_right_aligned_words_left_and_no_line_ends_in_spaces():
    text = Text().table(("a", "n", "note"), [("x", 1, ""), ("longer", 100, "called off")])
    assert text.plain.splitlines() == [
        "a         n  note",
        "x         1",
        "longer  100  called off",
    ]


def test_cells_are_escaped_and_wide_characters_count_double_in_plain():
    text = Text().table(("who", "n"), [("<b>Zoë</b>", 1), ("李雷", 2)])
    assert "<td>&lt;b&gt;Zoë&lt;/b&gt;</td>" in text.html and "<b>" not in text.html
    assert text.plain.splitlines() == ["who         n", "<b>Zoë</b>  1", "李雷        2"]


def test_a_line_after_a_table_needs_no_break_in_html():
    text = Text().table(("a",), [("b",)]).line("after")
    assert text.plain == "a\nb\nafter"
    assert text.html.endswith("</table>after")
