"""What a throwaway Synapse is told: its homeserver.yaml, its logging config and its
signing key, written for one server on 127.0.0.1 with every rate limit relaxed.

`LocalSynapse` (bot/devtools/localsynapse.py) writes these files before each start.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path
from typing import Any

import yaml

# High enough that no test ever trips a limit unless it asks for one via extra_config.
_RELAXED = {"per_second": 1000, "burst_count": 10000}

# Every rate limiter Synapse 1.163 reads (synapse/config/ratelimiting.py); unknown keys
# are ignored by Synapse, so this list is safe for older and newer versions too.
RATE_LIMITS: dict[str, Any] = {
    "rc_message": _RELAXED,
    "rc_registration": _RELAXED,
    "rc_registration_token_validity": _RELAXED,
    "rc_login": {"address": _RELAXED, "account": _RELAXED, "failed_attempts": _RELAXED},
    "rc_joins": {"local": _RELAXED, "remote": _RELAXED},
    "rc_joins_per_room": _RELAXED,
    "rc_invites": {"per_room": _RELAXED, "per_user": _RELAXED, "per_issuer": _RELAXED},
    "rc_third_party_invite": _RELAXED,
    "rc_admin_redaction": _RELAXED,
    "rc_3pid_validation": _RELAXED,
    "rc_room_creation": _RELAXED,
    "rc_media_create": _RELAXED,
    "rc_presence": {"per_user": _RELAXED},
    "rc_delayed_event_mgmt": _RELAXED,
    "rc_key_requests": _RELAXED,
    "rc_reports": _RELAXED,
    "rc_user_directory": _RELAXED,
    "rc_profile": _RELAXED,
}

SECRET_NAMES = ("registration_shared_secret", "macaroon_secret_key", "form_secret")
CONFIG_FILE = "homeserver.yaml"
LOG_FILE = "homeserver.log"


def load_or_create_secrets(base_dir: Path) -> dict[str, str]:
    """The secrets of an earlier run's config in `base_dir` (which keeps its tokens valid),
    new ones where there are none."""
    config_path = base_dir / CONFIG_FILE
    old: dict[str, Any] = {}
    if config_path.exists():
        try:
            old = yaml.safe_load(config_path.read_text()) or {}
        except (OSError, yaml.YAMLError):
            old = {}
    return {name: str(old.get(name) or secrets.token_urlsafe(32)) for name in SECRET_NAMES}


def write_files(
    base_dir: Path,
    *,
    server_name: str,
    port: int,
    config_secrets: dict[str, str],
    extra_config: dict[str, Any],
) -> None:
    """The signing key (kept if there is one), log.config and homeserver.yaml in `base_dir`;
    `extra_config` is merged into the config, key by key at every depth."""
    signing_key = base_dir / "signing.key"
    if not signing_key.exists():
        # An ed25519 signing key file is "ed25519 <key id> <unpadded b64 seed>", and
        # any 32 random bytes are a valid seed: cheaper than --generate-keys, which
        # costs a full Synapse import.
        seed = base64.b64encode(os.urandom(32)).decode().rstrip("=")
        signing_key.write_text(f"ed25519 a_{secrets.token_hex(2)} {seed}\n")

    log_config = base_dir / "log.config"
    log_config.write_text(yaml.safe_dump(_log_config(base_dir / LOG_FILE), sort_keys=False))

    config = _base_config(base_dir, server_name, port, config_secrets, signing_key, log_config)
    (base_dir / CONFIG_FILE).write_text(yaml.safe_dump(deep_merge(config, extra_config), sort_keys=False))


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _base_config(
    base_dir: Path,
    server_name: str,
    port: int,
    config_secrets: dict[str, str],
    signing_key: Path,
    log_config: Path,
) -> dict[str, Any]:
    return {
        "server_name": server_name,
        "public_baseurl": f"http://127.0.0.1:{port}/",
        "pid_file": str(base_dir / "homeserver.pid"),
        "listeners": [
            {
                "port": port,
                "bind_addresses": ["127.0.0.1"],
                "type": "http",
                "tls": False,
                "x_forwarded": False,
                "resources": [{"names": ["client"], "compress": False}],
            }
        ],
        "database": {
            "name": "sqlite3",
            "args": {"database": str(base_dir / "homeserver.db")},
        },
        "log_config": str(log_config),
        "media_store_path": str(base_dir / "media_store"),
        "signing_key_path": str(signing_key),
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "report_stats": False,
        "enable_metrics": False,
        "enable_registration": False,
        **config_secrets,
        # The minimum bcrypt cost: registration and password login in ms, not 0.3 s.
        "bcrypt_rounds": 4,
        "presence": {"enabled": False},
        "max_upload_size": "50M",
        "url_preview_enabled": False,
        **RATE_LIMITS,
    }


def _log_config(log_path: Path) -> dict[str, Any]:
    return {
        "version": 1,
        "formatters": {
            "precise": {"format": "%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s"}
        },
        "filters": {
            "context": {
                "()": "synapse.logging.context.LoggingContextFilter",
                "request": "",
            }
        },
        "handlers": {
            "file": {
                "class": "logging.FileHandler",
                "filename": str(log_path),
                "formatter": "precise",
                "filters": ["context"],
            }
        },
        "root": {"level": "WARNING", "handlers": ["file"]},
        "disable_existing_loggers": False,
    }
