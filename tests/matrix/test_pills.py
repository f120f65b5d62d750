"""Element's mention pills: the body shows a display name, the HTML links the Matrix ID."""

from bot.matrix.pills import MAX_PILLS, pills, with_ids


def html(formatted: str) -> dict:
    return {"format": "org.matrix.custom.html", "formatted_body": formatted}


def link(user_id: str, shown: str) -> str:
    return f'<a href="https://matrix.to/#/{user_id}">{shown}</a>'


def test_a_pill_in_a_command_becomes_the_id_it_links_to():
    content = html(f"!here {link('@alice:example.org', 'Alice')} and {link('@bob:example.org', 'Bob B.')}")
    assert with_ids("!here Alice and Bob B.", content) == "!here @alice:example.org and @bob:example.org"


def test_a_percent_encoded_link_and_an_escaped_name_are_read():
    content = html(link("%40ana%3Aexample.org", "Ana &amp; Co"))
    assert pills(content) == [("Ana & Co", "@ana:example.org")]
    assert with_ids("!here Ana & Co", content) == "!here @ana:example.org"


def test_the_command_name_is_never_taken_for_a_pill():
    content = html(f"!here {link('@h:example.org', 'here')}")
    assert with_ids("!here here", content) == "!here @h:example.org"


def test_the_quoted_original_of_a_reply_is_no_mention():
    quoted = f"<mx-reply><blockquote>{link('@carol:example.org', 'Carol')} said</blockquote></mx-reply>"
    assert with_ids("!here Carol", html(quoted + "!here Carol")) == "!here Carol"


def test_plain_messages_links_to_rooms_and_odd_links_change_nothing():
    assert with_ids("!here Alice", {"body": "!here Alice"}) == "!here Alice"
    room_link = '<a href="https://matrix.to/#/!room:example.org">Alice</a>'
    assert with_ids("!here Alice", html("!here " + room_link)) == "!here Alice"
    assert with_ids("!here Alice", html('!here <a href="https://evil.example/@a:b">Alice</a>')) == "!here Alice"
    assert with_ids("!here Zed", html("!here " + link("@alice:example.org", "Alice"))) == "!here Zed"


def test_a_flood_of_pills_is_cut_at_the_limit():
    many = " ".join(link(f"@u{i}:example.org", f"U{i}") for i in range(MAX_PILLS + 5))
    assert len(pills(html(many))) == MAX_PILLS
