from bot.core.i18n import translator
from bot.core.model import Role
from bot.core.refusals import did_you_mean, for_role_only
from bot.core.registry import CommandGroup, Registry, Way
from bot.core.text import Text


def _spec(role: Role):
    group = CommandGroup("t")

    @group.command("ping", role=role, help="Ping")
    async def ping(ctx) -> None: ...

    return Registry([group]).commands["ping"]


def test_did_you_mean_lists_the_ways_with_what_they_do_in_the_askers_language():
    ways = (Way("here", does="at the session, to check in"), Way("late", does="if you will come late, to say so"))
    english = did_you_mean(Text("Unknown."), ways, "!").plain
    assert (
        english
        == "Unknown. Did you mean !here (at the session, to check in) or !late (if you will come late, to say so)?"
    )
    spanish = did_you_mean(Text("No."), ways, "!", translator("es")).plain
    assert spanish == (
        "No. ¿Quisiste decir !here (en la sesión, para marcar tu asistencia) "
        "o !late (si vas a llegar tarde, para avisar)?"
    )
    assert did_you_mean(Text("No."), (), "!", translator("es")).plain == "No.", "nothing close: nothing added"


def test_a_command_for_another_role_says_whose_it_is():
    assert for_role_only(_spec(Role.HOST), "!").plain == "!ping is for hosts only."
    assert for_role_only(_spec(Role.ORGANISER), "!", translator("es")).plain == "!ping es solo para la organización."
    assert for_role_only(_spec(Role.HOST), "!", translator("pt-BR")).plain == "!ping é só para anfitriões."
