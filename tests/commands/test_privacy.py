"""commands/privacy.py: !mydata by direct message, !forgetme with a confirmation."""

from __future__ import annotations

import json
import re

from tests.conftest import ALICE, BOB, ORGANISER


async def setup_alice(chat) -> int:
    """Alice sets a time zone, suggests a topic bob votes for, and votes for bob's."""
    assert "Europe/Berlin" in await chat.text(ALICE, "!tz Europe/Berlin")
    mine = int(re.search(r"#(\d+)", await chat.text(ALICE, "!suggest Worker ownership transitions")).group(1))
    bobs = int(re.search(r"#(\d+)", await chat.text(BOB, "!suggest Shared tools for coops")).group(1))
    assert "Voted" in await chat.text(BOB, f"!vote {mine}")
    assert "Voted" in await chat.text(ALICE, f"!vote {bobs}")
    assert "Voted" in await chat.text(ALICE, f"!vote {mine}")
    return mine


async def mydata(chat, who: str = ALICE) -> dict:
    dm, ack = await chat.say(who, "!mydata")
    assert dm.direct_to == who and ack.direct_to is None
    assert "direct message" in ack.text
    assert dm.file.mimetype == "application/json"
    assert re.fullmatch(r"ccc-mydata-\d{4}-\d{2}-\d{2}\.json", dm.file.filename)
    return json.loads(dm.file.data)


def topics_line(text: str, number: int) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"• #{number} "))


async def test_mydata_goes_by_direct_message_with_everything(chat):
    mine = await setup_alice(chat)
    dm, ack = await chat.say(ALICE, "!mydata")
    assert dm.direct_to == ALICE and dm.file.filename == "ccc-mydata-2026-11-23.json"
    assert "time zone, 1 suggestion, 2 votes" in dm.text and "!forgetme" in dm.text
    assert "ccc-mydata-2026-11-23.json" in ack.text and ack.file is None, "nothing personal in the room"
    data = json.loads(dm.file.data)
    assert data["timezone"] == "Europe/Berlin"
    assert [s["text"] for s in data["suggestions"]] == ["Worker ownership transitions"]
    assert sorted(v["topic"] for v in data["votes"]) == [mine, mine + 1]


async def test_mydata_for_someone_unknown_says_so(chat):
    dm, _ = await chat.say(BOB, "!mydata")
    assert "stores nothing about you" in dm.text


async def test_forgetme_without_confirm_erases_nothing(chat):
    mine = await setup_alice(chat)
    before = await mydata(chat)
    text = await chat.text(ALICE, "!forgetme")
    assert "!forgetme confirm" in text and "10 minutes" in text and "12:10 UTC" in text
    assert "a former participant" in text
    after = await mydata(chat)
    assert after == {**before, "erasure_requested_at": "2026-11-23T12:00:00Z"}
    assert "Europe/Berlin" in await chat.text(ALICE, "!tz")
    assert "2 votes · by alice" in topics_line(await chat.text(BOB, "!topics"), mine)


async def test_forgetme_confirmed_erases_and_says_what(chat):
    mine = await setup_alice(chat)
    await chat.text(ALICE, "!forgetme")
    chat.clock.advance(minutes=9)
    text = await chat.text(ALICE, "!forgetme confirm")
    assert "Erased: your time zone, 2 votes." in text, "no display name was known (the chat harness has none)"
    assert "1 topic you suggested" in text and "a former participant" in text
    data = await mydata(chat)
    assert {k: v for k, v in data.items() if v} == {"schema_version": 1, "user_id": ALICE}
    dm, _ = await chat.say(ALICE, "!mydata")
    assert "stores nothing about you" in dm.text
    line = topics_line(await chat.text(BOB, "!topics"), mine)
    assert "· 1 vote · by a former participant" in line, "the topic stays, with bob's vote only"
    assert "alice" not in (await chat.text(BOB, "!topics")).lower()
    assert "no time zone set" in await chat.text(ALICE, "!tz")
    assert "Voted" in await chat.text(ALICE, f"!vote {mine}"), "alice can take part again, afresh"


async def test_an_expired_confirmation_erases_nothing(chat):
    await setup_alice(chat)
    await chat.text(ALICE, "!forgetme")
    chat.clock.advance(minutes=11)
    text = await chat.text(ALICE, "!forgetme confirm")
    assert "expired" in text and "nothing was erased" in text
    data = await mydata(chat)
    assert data["timezone"] == "Europe/Berlin" and len(data["votes"]) == 2 and len(data["suggestions"]) == 1
    assert "not asked to be forgotten" in await chat.text(ALICE, "!forgetme confirm"), "the old request is gone"


async def test_confirm_needs_your_own_request(chat):
    await setup_alice(chat)
    await chat.text(BOB, "!forgetme")
    assert "not asked to be forgotten" in await chat.text(ALICE, "!forgetme confirm")
    assert (await mydata(chat))["timezone"] == "Europe/Berlin"
    assert "Erased" in await chat.text(BOB, "!forgetme confirm")


async def test_forgetme_takes_only_confirm(chat):
    text = await chat.text(ALICE, "!forgetme yes")
    assert "'yes' is not one of confirm" in text and "Usage: !forgetme [confirm]" in text


async def test_an_organiser_is_forgotten_too(chat):
    """Config roles stay (they are the operator's), the person's data goes."""
    await chat.text(ORGANISER, "!tz Asia/Kolkata")
    await chat.text(ORGANISER, "!forgetme")
    assert "Erased: your time zone." in await chat.text(ORGANISER, "!forgetme confirm")
    assert (await chat.say(ORGANISER, "!export topics"))[0].file is not None


async def test_forgetme_for_someone_who_only_suggested_reads_right(chat):
    await chat.say(BOB, "!suggest Paying ourselves in the fifth year")
    await chat.say(BOB, "!forgetme")
    text = await chat.text(BOB, "!forgetme confirm")
    assert text.startswith("Done. Nothing else was stored about you."), text
    assert "No longer named as yours" in text and "1 topic you suggested" in text
    assert "Erased: nothing else" not in text


async def test_mydata_and_forgetme_in_spanish_and_portuguese(chat):
    await chat.text(ALICE, "!lang es")
    await chat.text(ALICE, "!tz Europe/Madrid")
    dm, ack = await chat.say(ALICE, "!mydata")
    assert dm.text == (
        "Todo lo que el bot guarda sobre ti está en el archivo adjunto: zona horaria, idioma. Bórralo con !forgetme."
    )
    assert ack.text.startswith("Te envié por mensaje directo lo que guardo sobre ti (ccc-mydata-")
    assert (await chat.text(ALICE, "!forgetme")).splitlines()[-1] == "Para verlo antes: !mydata."
    assert (await chat.text(ALICE, "!forgetme confirm")).splitlines() == [
        "Listo. Borrado: tu zona horaria y tu idioma.",
        "Los comandos que uses a partir de ahora guardan solo lo que necesitan (!tz, tu zona horaria).",
    ]
    await chat.text(BOB, "!lang pt-BR")
    assert await chat.text(BOB, "!forgetme confirm") == (
        "Você não pediu para ser esquecido recentemente, então nada foi apagado."
        " Digite !forgetme e depois !forgetme confirm em até 10 minutos."
    )
    assert "nos próximos 10 minutos (até as 12:10 UTC)" in await chat.text(BOB, "!forgetme")
    assert (await chat.text(BOB, "!forgetme confirm")).startswith("Pronto. Apagado: seu idioma.")
