"""A throwaway Synapse homeserver on 127.0.0.1, for tests and demos.

Only the standard library (plus PyYAML, with which synapse_config.py writes the config)
is used here, so the launcher can be imported without nio; Synapse itself runs in a
subprocess, started with ``python`` (by default this interpreter), which must have
``matrix-synapse`` installed.

    with LocalSynapse(tmp_dir) as hs:
        user_id, token = hs.register("alice", "secret")
        ...
"""

from __future__ import annotations

import atexit
import hashlib
import hmac
import http.client
import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from bot.devtools.synapse_config import CONFIG_FILE, LOG_FILE, deep_merge, load_or_create_secrets, write_files

__all__ = ["LocalSynapse", "SynapseHTTPError"]

logger = logging.getLogger(__name__)

_LOG_TAIL_LINES = 40

# A key in the server's /.well-known/matrix/client holding its launch id: how start() tells
# its own server's answers from those of another server (a test run in parallel, say) that
# took the port between free_port() and Synapse's bind.
_LAUNCH_KEY = "org.ccc-bot.launch_id"


class SynapseHTTPError(RuntimeError):
    """A non-2xx answer from the homeserver; ``body`` is the decoded JSON (or text)."""

    def __init__(self, method: str, path: str, status: int, body: Any) -> None:
        super().__init__(f"{method} {path} -> HTTP {status}: {body}")
        self.status = status
        self.body = body


class _PortTaken(RuntimeError):
    """Synapse could not bind its port: another process holds it."""


def free_port() -> int:
    """A TCP port on the loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(path: Path, lines: int = _LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"({path.name}: missing)"
    return f"--- {path.name} (last {lines} lines) ---\n" + "\n".join(text.splitlines()[-lines:])


class LocalSynapse:
    """One Synapse process bound to 127.0.0.1, with its state kept in ``base_dir``.

    The port and secrets are fixed for the lifetime of the object, so ``stop()`` then
    ``start()`` brings the same server back where clients left it.
    """

    def __init__(
        self,
        base_dir: Path,
        *,
        server_name: str = "localhost",
        port: int | None = None,
        extra_config: dict[str, Any] | None = None,
        python: str = sys.executable,
    ) -> None:
        self.base_dir = Path(base_dir).resolve()
        self.server_name = server_name
        self.port = port if port is not None else free_port()
        # A port we chose may move while the server has never answered on it.
        self._port_may_move = port is None
        self._launch_id = secrets.token_hex(8)
        self.extra_config = extra_config or {}
        self.python = python
        self._proc: subprocess.Popen[bytes] | None = None
        # Reusing secrets from an earlier run in the same dir keeps its tokens valid.
        self._secrets = load_or_create_secrets(self.base_dir)

    # -- properties ------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self.running and self._proc else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def config_path(self) -> Path:
        return self.base_dir / CONFIG_FILE

    @property
    def log_path(self) -> Path:
        return self.base_dir / LOG_FILE

    @property
    def stderr_path(self) -> Path:
        return self.base_dir / "homeserver.stderr.log"

    # -- lifecycle -------------------------------------------------------------------

    def start(self, timeout: float = 60.0) -> None:
        """Write the config, launch Synapse and wait until the client API answers.

        A port chosen here that another process took before Synapse bound it is chosen
        again (up to three times) on the first start; later starts keep the port."""
        for attempt in range(3):
            try:
                self._start(timeout)
                return
            except _PortTaken:
                if not self._port_may_move or attempt == 2:
                    raise
                logger.info("port %d was taken before Synapse bound it; choosing another", self.port)
                self.port = free_port()

    def _start(self, timeout: float) -> None:
        if self.running:
            return
        self.base_dir.mkdir(parents=True, exist_ok=True)
        # The launch id is served at /.well-known/matrix/client, for _answers() to know it.
        launch = {"serve_client_wellknown": True, "extra_well_known_client_content": {_LAUNCH_KEY: self._launch_id}}
        write_files(
            self.base_dir,
            server_name=self.server_name,
            port=self.port,
            config_secrets=self._secrets,
            extra_config=deep_merge(launch, self.extra_config),
        )

        started = time.monotonic()
        with self.stderr_path.open("ab") as stderr:
            self._proc = subprocess.Popen(
                [self.python, "-m", "synapse.app.homeserver", "-c", str(self.config_path)],
                cwd=self.base_dir,
                stdin=subprocess.DEVNULL,
                stdout=stderr,
                stderr=stderr,
                # Own session: a Ctrl-C aimed at pytest doesn't hit Synapse half-way, and
                # stop() can signal the whole group.
                start_new_session=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        atexit.register(self.stop)

        deadline = started + timeout
        while True:
            code = self._proc.poll()
            if code is not None:
                self._proc = None
                atexit.unregister(self.stop)
                tails = self._log_tails()
                kind = _PortTaken if "Address already in use" in tails else RuntimeError
                raise kind(f"Synapse exited with code {code} during start-up\n{tails}")
            if self._answers():
                break
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"Synapse did not answer on {self.url} within {timeout:g}s\n{self._log_tails()}")
            time.sleep(0.05)
        self._port_may_move = False
        logger.info(
            "Synapse up on %s (pid %s) in %.2fs",
            self.url,
            self._proc.pid,
            time.monotonic() - started,
        )

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL after ``timeout`` seconds; a no-op when not running."""
        proc, self._proc = self._proc, None
        atexit.unregister(self.stop)
        if proc is None or proc.poll() is not None:
            return
        self._signal(proc, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            logger.warning("Synapse pid %s ignored SIGTERM; killing it", proc.pid)
            self._signal(proc, signal.SIGKILL)
            proc.wait()

    def __enter__(self) -> LocalSynapse:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- HTTP ------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        access_token: str | None = None,
        timeout: float = 30.0,
    ) -> Any:
        """Send one JSON request to the server and return the decoded answer.

        Raises ``SynapseHTTPError`` on a non-2xx status.
        """
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if access_token:
            req.add_header("Authorization", f"Bearer {access_token}")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                detail: Any = json.loads(raw)
            except ValueError:
                detail = raw.decode(errors="replace")
            raise SynapseHTTPError(method, path, exc.code, detail) from None

    def register(
        self,
        localpart: str,
        password: str,
        *,
        admin: bool = False,
        displayname: str | None = None,
    ) -> tuple[str, str]:
        """Create a user through the shared-secret admin API.

        Returns ``(user_id, access_token)``; the token belongs to a fresh device.
        """
        result = self.register_device(localpart, password, admin=admin, displayname=displayname)
        return result["user_id"], result["access_token"]

    def register_device(
        self,
        localpart: str,
        password: str,
        *,
        admin: bool = False,
        displayname: str | None = None,
    ) -> dict[str, Any]:
        """Like ``register`` but return Synapse's whole answer (includes ``device_id``)."""
        path = "/_synapse/admin/v1/register"
        nonce = self.request("GET", path)["nonce"]
        # HMAC layout from Synapse's docs: nonce NUL user NUL password NUL admin|notadmin.
        mac = hmac.new(self._secrets["registration_shared_secret"].encode(), digestmod=hashlib.sha1)
        for part in (nonce, localpart, password):
            mac.update(part.encode())
            mac.update(b"\x00")
        mac.update(b"admin" if admin else b"notadmin")
        body: dict[str, Any] = {
            "nonce": nonce,
            "username": localpart,
            "password": password,
            "admin": admin,
            "mac": mac.hexdigest(),
        }
        if displayname is not None:
            body["displayname"] = displayname
        return dict(self.request("POST", path, body=body))

    # -- internals -------------------------------------------------------------------

    def _answers(self) -> bool:
        """Whether this server, and not another one on the same port, answers."""
        try:
            with urllib.request.urlopen(self.url + "/.well-known/matrix/client", timeout=2) as resp:
                return bool(json.loads(resp.read()).get(_LAUNCH_KEY) == self._launch_id)
        except (OSError, http.client.HTTPException, ValueError):
            # Refused, reset, half-written or another server's answers all mean "not up yet".
            return False

    @staticmethod
    def _signal(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        except PermissionError:
            # The group may already be gone and the pgid reused; signal just our child.
            proc.send_signal(sig)

    def _log_tails(self) -> str:
        return f"{_tail(self.stderr_path)}\n{_tail(self.log_path)}"
