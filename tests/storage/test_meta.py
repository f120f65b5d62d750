"""The `meta` table's helpers (bot/storage/meta.py), inside a transaction and in work run
by the store."""

from bot.storage import meta
from bot.storage.store import Store


async def test_meta_helpers_inside_a_transaction():
    store = await Store.open(":memory:")

    async def write(db) -> str | None:
        await meta.write_meta(db, "a", "1")
        await meta.write_meta(db, "a", "2")
        await meta.write_meta_once(db, "a", "3")
        await meta.write_meta_once(db, "b", "x")
        await meta.count_meta(db, "n")
        await meta.count_meta(db, "n")
        return await meta.read_meta(db, "a")

    assert await store.transaction(write) == "2"
    assert (await store.get_meta("b"), await store.get_meta("n")) == ("x", "2")
    for key, at in (("ask:1", "2026-01-01"), ("ask:2", "2026-03-01"), ("ask_3", "2025-01-01")):
        await store.set_meta(key, at)

    async def delete(db) -> None:
        await meta.delete_meta_below(db, "ask:", "2026-02-01")
        await meta.delete_meta(db, "a")

    await store.transaction(delete)
    assert await store.meta_with_prefix("ask") == {"ask:2": "2026-03-01", "ask_3": "2025-01-01"}
    assert await store.meta_with_prefix("ask:") == {"ask:2": "2026-03-01"}
    assert await store.get_meta("a") is None
    await store.close()


async def test_the_plain_connection_helpers_in_work_run_by_the_store():
    store = await Store.open(":memory:")
    await store.run(lambda conn: meta.put_meta(conn, "dm:@a:x", "!room"), write=True)
    assert await store.run(lambda conn: meta.fetch_meta(conn, meta.dm_key("@a:x"))) == "!room"
    assert await store.run(lambda conn: meta.with_prefix(conn, meta.dm_key())) == {"dm:@a:x": "!room"}
    await store.close()
