"""bot/devtools/synapse_config.py: the files a throwaway Synapse is started with, read
back without starting it (LocalSynapse starting on them: tests/integration/test_localsynapse.py)."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.devtools.synapse_config import RATE_LIMITS, deep_merge, load_or_create_secrets, write_files


def written(folder: Path, extra: dict | None = None) -> dict:
    write_files(
        folder, server_name="localhost", port=8448, config_secrets={"form_secret": "s"}, extra_config=extra or {}
    )
    return yaml.safe_load((folder / "homeserver.yaml").read_text())


def test_the_server_listens_on_the_loopback_only_with_every_rate_limit_relaxed(tmp_path: Path):
    config = written(tmp_path)
    assert config["public_baseurl"] == "http://127.0.0.1:8448/"
    assert [(lst["port"], lst["bind_addresses"]) for lst in config["listeners"]] == [(8448, ["127.0.0.1"])]
    assert config["form_secret"] == "s"
    assert all(config[name] == limit for name, limit in RATE_LIMITS.items())
    assert config["rc_message"] == {"per_second": 1000, "burst_count": 10000}


def test_extra_config_changes_one_key_and_keeps_its_neighbours(tmp_path: Path):
    config = written(tmp_path, {"rc_login": {"address": {"per_second": 1}}, "max_upload_size": "1M"})
    assert config["rc_login"]["address"] == {"per_second": 1, "burst_count": 10000}
    assert config["rc_login"]["account"] == RATE_LIMITS["rc_login"]["account"]
    assert config["max_upload_size"] == "1M"
    assert deep_merge({"a": {"b": 1, "c": 2}}, {"a": {"b": 3}}) == {"a": {"b": 3, "c": 2}}


def test_the_signing_key_is_kept_and_the_log_goes_to_the_servers_folder(tmp_path: Path):
    written(tmp_path)
    key = (tmp_path / "signing.key").read_text()
    assert key.startswith("ed25519 a_") and len(key.split()) == 3
    written(tmp_path)
    assert (tmp_path / "signing.key").read_text() == key
    log = yaml.safe_load((tmp_path / "log.config").read_text())
    assert log["handlers"]["file"]["filename"] == str(tmp_path / "homeserver.log")


def test_secrets_are_read_back_from_an_earlier_config_and_made_where_missing(tmp_path: Path):
    written(tmp_path)
    secrets = load_or_create_secrets(tmp_path)
    assert secrets["form_secret"] == "s"
    assert secrets["registration_shared_secret"] and secrets["macaroon_secret_key"]
    assert load_or_create_secrets(tmp_path / "new")["form_secret"] != "s"
