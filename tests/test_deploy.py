"""The deployment files: a Docker image and a systemd unit an operator can use as given."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_dockerfile_is_slim_non_root_with_volumes_and_healthcheck():
    steps = dockerfile()
    known = {"FROM", "ENV", "WORKDIR", "COPY", "RUN", "USER", "VOLUME", "HEALTHCHECK", "ENTRYPOINT", "CMD", "ARG"}
    assert {word for word, _ in steps} <= known
    assert steps[0][0] == "FROM" and "slim" in steps[0][1] and "3.11" in steps[0][1]
    users = [arg for word, arg in steps if word == "USER"]
    assert users and users[-1] not in ("root", "0")
    volumes = " ".join(arg for word, arg in steps if word == "VOLUME")
    assert "/config" in volumes and "/data" in volumes
    health = " ".join(arg for word, arg in steps if word == "HEALTHCHECK")
    assert '"status"' in health
    copied = " ".join(arg for word, arg in steps if word == "COPY")
    for needed in ("pyproject.toml", "bot", "commands", "topics.yaml"):
        assert needed in copied
    # every file it copies exists
    for word, arg in steps:
        if word == "COPY":
            for source in arg.split()[:-1]:
                assert (ROOT / source).exists(), source


@pytest.mark.skipif(shutil.which("docker") is None, reason="no docker client")
def test_docker_build_when_an_engine_runs():
    if subprocess.run(["docker", "info"], capture_output=True).returncode != 0:
        pytest.skip("docker client present but no engine on this machine")
    done = subprocess.run(["docker", "build", "-q", str(ROOT)], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr


def unit_settings(text: str) -> dict[str, dict[str, str]]:
    """section -> key -> value of a systemd unit file (a key given twice: the last one)."""
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
        elif line and not line.startswith(("#", ";")):
            key, _, value = line.partition("=")
            current[key.strip()] = value.strip()
    return sections


def seconds(value: str) -> float:
    """A systemd time span as this unit writes them: 30s, 10min, 1h, or plain seconds."""
    units = {"s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600}
    number = value.rstrip("abcdefghijklmnopqrstuvwxyz")
    return float(number) * units.get(value[len(number) :] or "s", 0)


def test_systemd_unit_restarts_a_crash_but_not_in_a_loop_nor_onto_a_lost_database():
    from bot.cli import EXIT_DATABASE_GONE

    unit = unit_settings((ROOT / "deploy" / "ccc-bot.service").read_text())
    service, meta = unit["Service"], unit["Unit"]
    assert service["Restart"] == "on-failure"
    restart_sec = seconds(service["RestartSec"])
    assert restart_sec >= 10, "a bot that fails at once is not started again within seconds"
    # systemd gives up after StartLimitBurst starts within StartLimitIntervalSec (these
    # belong to [Unit]; in [Service] newer systemd ignores them with a warning).
    interval, burst = seconds(meta["StartLimitIntervalSec"]), int(meta["StartLimitBurst"])
    assert 0 < burst <= 10 and interval > 0
    assert restart_sec * (burst - 1) < interval, "a bot that keeps failing at once is given up on"
    assert "StartLimitIntervalSec" not in service and "StartLimitBurst" not in service
    prevented = service["RestartPreventExitStatus"].split()
    assert str(EXIT_DATABASE_GONE) in prevented, "a lost database is not replaced by a new, empty one"
    assert "2" in prevented, "a wrong config is not retried"


def test_systemd_unit(tmp_path):
    text = (ROOT / "deploy" / "ccc-bot.service").read_text()
    for needed in ("Restart=on-failure", "StateDirectory=ccc-bot", "User=ccc-bot", "ExecStart=", " run -c "):
        assert needed in text
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        return  # parsed above; nothing more to check here
    # Point it at this checkout's ccc-bot so verify can check the command exists.
    exe = Path(sys.executable).parent / "ccc-bot"
    unit = tmp_path / "ccc-bot.service"
    unit.write_text(text.replace("/opt/ccc-bot/bin/ccc-bot", str(exe)))
    done = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
