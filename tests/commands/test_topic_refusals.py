"""commands/topic_refusals.py: why a topic command could not be done, in the asker's language,
through the real dispatcher (the English wording is tested with each command)."""

from __future__ import annotations

from tests.commands.helpers import suggest
from tests.conftest import ALICE, BOB


async def test_a_spent_budget_is_explained_in_spanish_one_topic_or_several(make_chat, make_config):
    chat = await make_chat(make_config(topics={"votes_per_person": 1}))
    a, b, c = [await suggest(chat, word) for word in ("apples", "bicycles", "chickens")]
    await chat.text(BOB, "!lang es")
    assert (
        await chat.text(BOB, f"!vote {a}") == f"Votaste por #{a} “apples” (ahora tiene 1 voto). Te quedan 0 de 1 votos."
    )
    assert await chat.text(BOB, f"!vote {b}") == (
        f"Ya usaste tu único voto (en #{a}). Retíralo con !unvote N para votar por otro tema."
    )
    assert (await chat.text(BOB, f"!vote {b} {c}")).splitlines() == [
        f"Sin voto para #{b} “bicycles” o #{c} “chickens”: ya usaste tu único voto (en #{a}); "
        "primero retíralo con !unvote N.",
    ]
    assert await chat.text(BOB, f"!vote {a}") == f"Ya votaste por #{a} “apples” (un voto por persona y tema)."


async def test_someone_elses_topic_is_not_withdrawn_and_says_why_in_portuguese(chat):
    a = await suggest(chat, "apples", who=ALICE)
    await chat.text(BOB, "!lang pt")
    assert await chat.text(BOB, f"!withdraw {a}") == (
        f"Só quem sugeriu #{a} “apples”, ou alguém da organização, pode retirá-lo."
    )
    assert (await chat.text(BOB, f"!withdraw {a} 99")).splitlines() == [
        f"Não retirei #{a} “apples”: foi sugerido por outra pessoa (só ela ou alguém da organização pode retirá-lo).",
        "Não retirei #99: esse tema não existe (veja !topics).",
    ]
    assert await chat.text(BOB, "!vote 99") == "Não existe o tema #99. Veja os abertos com !topics."
