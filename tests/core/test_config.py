import datetime as dt
import tomllib
from pathlib import Path

import pytest

from bot.cli import main
from bot.core import settings
from bot.core.config import Config, ConfigError, example, load_config, parse_config
from bot.core.weekly import Slot
from tests.conftest import BASE_CONFIG, ROOT, merge
from tests.helpers import check


def problems_for(**sections) -> list[str]:
    with pytest.raises(ConfigError) as e:
        parse_config(merge(BASE_CONFIG, sections))
    return e.value.problems


def test_example_file_loads_with_documented_defaults():
    config = load_config(ROOT / "config.example.toml")
    conf = config.conference
    assert conf.slots == (Slot(3, dt.time(8, 0)), Slot(3, dt.time(17, 0)))
    assert conf.timezone == "UTC"
    assert conf.display_timezones == ("UTC", "America/New_York", "Europe/Berlin", "America/Sao_Paulo", "Asia/Kolkata")
    assert conf.announce_before == (dt.timedelta(days=1), dt.timedelta(minutes=15), dt.timedelta(0))
    assert conf.host_wait_minutes == 10
    assert conf.announce_grace_minutes == 30
    assert config.matrix.command_prefix == "!"
    assert config.roles.organiser_power_level == 50
    assert config.topics.votes_per_person == 0
    assert (config.agenda.enabled, config.agenda.pin, config.agenda.topics) == (True, True, 10)
    # relative paths are relative to the config file
    assert config.storage.database == ROOT / "ccc-bot.sqlite3"
    assert config.topics.seed_file == ROOT / "topics.yaml"


def test_example_file_documents_every_key():
    text = (ROOT / "config.example.toml").read_text()
    for section, kind in settings.sections(Config).items():
        assert f"[{section}]" in text
        for key in settings.keys(kind):
            assert f"\n{key} = " in text, f"{section}.{key} is not in config.example.toml"


def test_the_example_file_is_what_the_one_schema_makes():
    """config.example.toml is written from the declarations in bot/core/config.py (each
    key's help, its default, or its example value when it must be given): a key added,
    a default changed or a help reworded there shows here until the file is written again
    (`python -c 'from bot.core.config import example; print(example(), end="")' > config.example.toml`)."""
    assert (ROOT / "config.example.toml").read_text(encoding="utf-8") == example()


def test_every_key_in_the_example_file_is_in_the_schema_with_a_valid_value():
    with (ROOT / "config.example.toml").open("rb") as f:
        data = tomllib.load(f)
    schema = {name: set(settings.keys(kind)) for name, kind in settings.sections(Config).items()}
    assert {name: set(keys) for name, keys in data.items()} == schema
    problems: list[str] = []
    settings.read(Config, data, problems)
    assert problems == []


def test_minimal_config_gets_defaults():
    config = parse_config({"matrix": {"homeserver": "https://hs.org", "user_id": "@b:hs.org"}})
    assert config.conference.name == "Coop Casual Conference"
    assert len(config.conference.slots) == 2
    assert config.matrix.encryption is True


@pytest.mark.parametrize(
    ("sections", "expected"),
    [
        ({"conference": {"slots": ["Thursday 08:00", "Thursday 17:00", "Thursday 25:00"]}}, "conference.slots[2]"),
        ({"conference": {"slots": ["Thorsday 08:00"]}}, "conference.slots[0]"),
        ({"conference": {"announce_before": ["1d", "15x"]}}, "conference.announce_before[1]"),
        ({"conference": {"timezone": "Europe/Berlinn"}}, "conference.timezone"),
        ({"conference": {"display_timezones": ["UTC", "Mars/Base"]}}, "conference.display_timezones[1]"),
        ({"conference": {"host_wait_minutes": "ten"}}, "conference.host_wait_minutes"),
        ({"conference": {"host_wait_minutes": True}}, "conference.host_wait_minutes"),
        ({"conference": {"slots": "Thursday 08:00"}}, "conference.slots"),
        ({"conference": {"bbb_url": "javascript:alert(1)"}}, "conference.bbb_url"),
        ({"conference": {"colour": "red"}}, "conference.colour: unknown key"),
        ({"conferance": {}}, "conferance: unknown section"),
        ({"matrix": {"encryption": "yes"}}, "matrix.encryption"),
        ({"matrix": {"rooms": ["not-a-room"]}}, "matrix.rooms[0]"),
        ({"roles": {"organisers": ["alice"]}}, "roles.organisers[0]"),
        ({"roles": {"organiser_power_level": 101}}, "roles.organiser_power_level"),
        ({"topics": {"max_length": 0}}, "topics.max_length"),
        ({"topics": {"votes_per_person": -1}}, "topics.votes_per_person"),
        ({"storage": {"database": ""}}, "storage.database: must not be empty"),
        ({"storage": {"state_dir": " "}}, "storage.state_dir: must not be empty"),
        ({"storage": {"database": "/"}}, "storage.database: '/' is a directory"),
        ({"agenda": {"enabled": "yes"}}, "agenda.enabled: expected true or false"),
        ({"agenda": {"pin": 1}}, "agenda.pin: expected true or false"),
        ({"agenda": {"topics": 0}}, "agenda.topics: 0 is out of bounds (1 to 50 topics)"),
        ({"agenda": {"topics": 51}}, "agenda.topics: 51 is out of bounds"),
        ({"agenda": {"pinned": True}}, "agenda.pinned: unknown key"),
    ],
)
def test_each_bad_value_names_its_key(sections, expected):
    problems = problems_for(**sections)
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected), problems


def test_default_display_zones_cover_where_members_live():
    config = parse_config(BASE_CONFIG)
    zones = config.conference.display_timezones
    assert zones == ("UTC", "America/New_York", "Europe/Berlin", "America/Sao_Paulo", "Asia/Kolkata")
    assert "Europe/London" not in zones, "London repeats UTC half the year"


@pytest.mark.parametrize(
    ("key", "value", "offered"),
    [
        ("display_timezones", ["UTC", "EST"], "America/New_York"),
        ("display_timezones", ["UTC", "CET"], "Europe/Berlin"),
        ("display_timezones", ["UTC", "GMT"], "Europe/London"),
        ("display_timezones", ["UTC", "Etc/GMT+1"], "UTC-1"),
        ("display_timezones", ["UTC", "EST5EDT"], "America/New_York"),
        ("display_timezones", ["UTC", "UTC+1"], "Europe/Berlin"),
        ("timezone", "CET", "Europe/Berlin"),
    ],
)
def test_zones_that_are_not_places_are_refused_naming_the_key(key, value, offered):
    problems = problems_for(conference={key: value})
    assert len(problems) == 1, problems
    name = f"conference.{key}" + ("[1]" if isinstance(value, list) else "")
    assert problems[0].startswith(f"{name}: ") and "not a place" in problems[0], problems
    assert offered in problems[0], problems


def test_old_zone_names_become_the_place_they_stand_for():
    config = parse_config(merge(BASE_CONFIG, {"conference": {"display_timezones": ["Etc/UTC", "Asia/Calcutta"]}}))
    assert config.conference.display_timezones == ("UTC", "Asia/Kolkata")


def test_missing_required_key_is_named():
    with pytest.raises(ConfigError) as e:
        parse_config({"matrix": {"homeserver": "https://hs.org"}})
    assert e.value.problems == ["matrix.user_id: required but missing"]


def test_all_problems_reported_at_once():
    problems = problems_for(conference={"timezone": "Nowhere", "slots": ["Friday 99:00"]}, topics={"x": 1})
    assert {p.split(":")[0] for p in problems} == {"conference.timezone", "conference.slots[0]", "topics.x"}


def test_secrets_are_not_in_repr():
    config = parse_config(merge(BASE_CONFIG, {"matrix": {"password": "hunter2", "access_token": "syt_secret"}}))
    assert "hunter2" not in repr(config) and "syt_secret" not in repr(config)


def test_check_config_cli(tmp_path: Path, capsys):
    # The example as shipped has no way to log in yet, and says only that.
    assert main(["check-config", "-c", str(ROOT / "config.example.toml")]) == 2
    assert [line.split(":")[0].strip() for line in capsys.readouterr().err.splitlines()[1:]] == ["matrix.password"]
    example = tmp_path / "config.toml"
    example.write_text((ROOT / "config.example.toml").read_text().replace('password = ""', 'password = "pw"'))
    assert main(["check-config", "-c", str(example)]) == 0
    assert "OK" in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[matrix]\nhomeserver = "https://hs.org"\nuser_id = "@b:hs.org"\n[conference]\nslots = ["Thursday 25:00"]\n'
    )
    assert main(["check-config", "-c", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "conference.slots[0]" in err and "25:00" in err
    assert main(["check-config", "-c", str(tmp_path / "missing.toml")]) == 2
    broken = tmp_path / "broken.toml"
    broken.write_text("[matrix\n")
    assert main(["check-config", "-c", str(broken)]) == 2
    assert "not valid TOML" in capsys.readouterr().err


@pytest.mark.parametrize("value", [-1, 601, 10**12, "10", True, 2.5])
def test_commands_per_minute_is_bounded_and_named(value):
    problems = problems_for(limits={"commands_per_minute": value})
    assert len(problems) == 1 and problems[0].startswith("limits.commands_per_minute"), problems


def test_commands_per_minute_defaults_to_ten_and_zero_turns_it_off():
    unset = {k: v for k, v in BASE_CONFIG.items() if k != "limits"}
    assert parse_config(unset).limits.commands_per_minute == 10
    assert load_config(ROOT / "config.example.toml").limits.commands_per_minute == 10
    assert parse_config(merge(BASE_CONFIG, {"limits": {"commands_per_minute": 0}})).limits.commands_per_minute == 0


# --- issue 14: check-config catches what would stop `run`, with bounds on every value ---


@pytest.mark.parametrize(
    ("sections", "expected"),
    [
        ({"conference": {"announce_before": ["1d", "9999999w"]}}, "conference.announce_before[1]"),
        ({"conference": {"announce_before": ["99999999999999999999w"]}}, "conference.announce_before[0]"),
        ({"conference": {"announce_before": ["15w"]}}, "conference.announce_before[0]"),
        ({"conference": {"announce_before": ["15m", "900s"]}}, "conference.announce_before[1]"),
        ({"conference": {"host_wait_minutes": 100000000000}}, "conference.host_wait_minutes"),
        ({"conference": {"host_wait_minutes": 121}}, "conference.host_wait_minutes"),
        ({"conference": {"announce_grace_minutes": 1441}}, "conference.announce_grace_minutes"),
        ({"topics": {"max_length": 100000}}, "topics.max_length"),
        ({"topics": {"suggestions_per_hour": 1001}}, "topics.suggestions_per_hour"),
        ({"topics": {"votes_per_person": 10**12}}, "topics.votes_per_person"),
        ({"conference": {"slots": ["Thursday 08:00", "thursday 08:00"]}}, "conference.slots[1]"),
        ({"conference": {"slots": ["Thursday 08:00", "Thu 8:00"]}}, "conference.slots[1]"),
        ({"conference": {"slots": ["Thursday 17:00", "Friday 25:00", "THURSDAY 17:00"]}}, "conference.slots[1]"),
        ({"matrix": {"rooms": []}}, "matrix.rooms: at least one room"),
        ({"matrix": {"device_id": ""}}, "matrix.device_id"),
    ],
)
def test_each_out_of_bounds_value_names_its_key(sections, expected):
    problems = problems_for(**sections)
    assert problems and problems[0].startswith(expected), problems
    assert all("Traceback" not in p for p in problems)


def test_duplicate_slots_in_any_spelling_name_the_later_key():
    problems = problems_for(conference={"slots": ["Thursday 08:00", "thursday 08:00", "Thu 8:00"]})
    assert problems == [
        "conference.slots[1]: 'thursday 08:00' is the same slot as conference.slots[0] ('Thursday 08:00')",
        "conference.slots[2]: 'Thu 8:00' is the same slot as conference.slots[0] ('Thursday 08:00')",
    ]


def test_the_largest_allowed_values_load():
    config = parse_config(
        merge(
            BASE_CONFIG,
            {
                "conference": {
                    "announce_before": ["2w", "0m"],
                    "host_wait_minutes": 120,
                    "announce_grace_minutes": 1440,
                },
                "topics": {"max_length": 4000, "suggestions_per_hour": 1000, "votes_per_person": 1000},
            },
        )
    )
    assert config.conference.announce_before[0] == dt.timedelta(days=14)


def test_check_config_does_not_crash_on_a_folder_or_binary_file(tmp_path, capsys):
    code, lines = check(capsys, tmp_path)
    assert code == 2 and "folder" in " ".join(lines) and str(tmp_path) in lines[-1]
    binary = tmp_path / "config.toml"
    binary.write_bytes(b'[matrix]\nhomeserver = "\xff\xfe"\n')
    code, lines = check(capsys, binary)
    assert code == 2 and "UTF-8" in " ".join(lines)


# --- issue 18: [web] ---


def test_web_is_off_by_default_on_loopback():
    config = load_config(ROOT / "config.example.toml")
    web = config.web
    assert (web.enabled, web.listen, web.public_url, web.show_names) == (False, "127.0.0.1:8080", "", False)
    assert (web.host, web.port, web.feed_url) == ("127.0.0.1", 8080, "")


def test_web_keys_are_read_and_the_public_url_loses_its_trailing_slash():
    web = parse_config(
        merge(
            BASE_CONFIG,
            {
                "web": {
                    "enabled": True,
                    "listen": "[::1]:9000",
                    "public_url": "https://ccc.example.org/",
                    "show_names": True,
                }
            },
        )
    ).web
    assert (web.enabled, web.host, web.port, web.show_names) == (True, "::1", 9000, True)
    assert web.feed_url == "https://ccc.example.org/calendar.ics"


@pytest.mark.parametrize(
    ("sections", "expected"),
    [
        ({"web": {"listen": "8080"}}, "web.listen: '8080' is not an address to listen on"),
        ({"web": {"listen": "localhost:99999"}}, "web.listen: 'localhost:99999': port 99999 is out of range"),
        ({"web": {"listen": 8080}}, "web.listen: expected a string"),
        ({"web": {"public_url": "ccc.example.org"}}, "web.public_url: 'ccc.example.org' is not an http(s) URL"),
        ({"web": {"enabled": "yes"}}, "web.enabled: expected true or false"),
        ({"web": {"show_names": 1}}, "web.show_names: expected true or false"),
        ({"web": {"port": 8080}}, "web.port: unknown key"),
    ],
)
def test_bad_web_values_name_their_key(sections, expected):
    problems = problems_for(**sections)
    assert problems and problems[0].startswith(expected), problems


# --- issue 29: [lean_coffee] keys, each bounded, each error naming its key ---


def test_lean_coffee_defaults_are_an_8_minute_timebox_then_4_and_2_and_a_minute_to_vote():
    lean = parse_config(BASE_CONFIG).lean_coffee
    assert lean.enabled is True
    assert lean.timebox == dt.timedelta(minutes=8)
    assert lean.extensions == (dt.timedelta(minutes=4), dt.timedelta(minutes=2))
    assert lean.vote_seconds == 60


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ({"timebox": "0m"}, "lean_coffee.timebox: '0m' is out of range (1m to 60m)"),
        ({"timebox": "30s"}, "lean_coffee.timebox: '30s' is out of range (1m to 60m)"),
        ({"timebox": "61m"}, "lean_coffee.timebox: '61m' is out of range (1m to 60m)"),
        ({"timebox": "eight"}, "lean_coffee.timebox: 'eight' is not a duration"),
        ({"extensions": ["4m", "61m"]}, "lean_coffee.extensions[1]: '61m' is out of range (1m to 60m)"),
        ({"extensions": ["0m"]}, "lean_coffee.extensions[0]: '0m' is out of range (1m to 60m)"),
        ({"extensions": "4m"}, "lean_coffee.extensions: expected a list"),
        ({"vote_seconds": 9}, "lean_coffee.vote_seconds: 9 is out of bounds (10 to 600 seconds)"),
        ({"vote_seconds": 601}, "lean_coffee.vote_seconds: 601 is out of bounds (10 to 600 seconds)"),
        ({"enabled": "no"}, "lean_coffee.enabled: expected true or false"),
        ({"timebx": "8m"}, "lean_coffee.timebx: unknown key"),
    ],
)
def test_each_lean_coffee_value_out_of_bounds_names_its_key(keys, expected):
    problems = problems_for(lean_coffee=keys)
    assert len(problems) == 1 and problems[0].startswith(expected), problems


def test_the_lean_coffee_bounds_themselves_load():
    low = parse_config(merge(BASE_CONFIG, {"lean_coffee": {"timebox": "1m", "extensions": ["1m"], "vote_seconds": 10}}))
    assert (low.lean_coffee.timebox, low.lean_coffee.extensions) == (
        dt.timedelta(minutes=1),
        (dt.timedelta(minutes=1),),
    )
    assert low.lean_coffee.vote_seconds == 10
    high = parse_config(
        merge(
            BASE_CONFIG,
            {"lean_coffee": {"timebox": "60m", "extensions": ["1h"], "vote_seconds": 600, "enabled": False}},
        )
    )
    assert high.lean_coffee.timebox == high.lean_coffee.extensions[0] == dt.timedelta(minutes=60)
    assert (high.lean_coffee.vote_seconds, high.lean_coffee.enabled) == (600, False)
    none = parse_config(merge(BASE_CONFIG, {"lean_coffee": {"extensions": []}}))
    assert none.lean_coffee.extensions == (), "no extensions: no vote to go on"
