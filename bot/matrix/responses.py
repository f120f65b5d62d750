"""What a homeserver's answer (or its failure) means to the adapter: worth trying again,
and in a few words for a log line."""

from __future__ import annotations

from typing import Any

from nio import ErrorResponse


def transient(resp: Any) -> bool:
    """A failure worth retrying: the network, the homeserver or a proxy in front of it
    (5xx), or a rate limit nio gave up on; not a refusal such as M_FORBIDDEN."""
    if isinstance(resp, BaseException):
        return True
    http = getattr(getattr(resp, "transport_response", None), "status", None)
    return (isinstance(http, int) and http >= 500) or getattr(resp, "status_code", None) == "M_LIMIT_EXCEEDED"


def describe(resp: Any) -> str:
    """An error response as its code and message; any other answer by its type."""
    if isinstance(resp, ErrorResponse):
        return f"{resp.status_code or ''} {resp.message}".strip()
    return type(resp).__name__
