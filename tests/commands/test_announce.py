"""!announce."""

from tests.conftest import ALICE, ORGANISER, ROOM

# --- !announce --------------------------------------------------------------------------


async def test_announce_posts_the_next_announcement_to_every_room_now(make_chat, make_config):
    other = "!other:example.org"
    chat = await make_chat(make_config(matrix={"rooms": [ROOM, other]}))
    assert "organisers only" in await chat.text(ALICE, "!announce")
    await chat.say(ORGANISER, "!cancel 2026-11-26 08:00")
    replies = await chat.say(ORGANISER, "!announce")
    assert [r.room_id for r in replies] == [None, other]
    for reply in replies:
        assert "Thursday 26 November, 17:00 UTC" in reply.text, "the cancelled one is skipped"
        assert "https://bbb.example.org/b/ccc" in reply.text
        assert reply.key is None and reply.anchor is None
    assert await chat.store.fetchval("SELECT COUNT(*) FROM announcements") == 0, "not a scheduled one"
