"""Schemathesis hooks for scripts/fuzz-api.sh (loaded through SCHEMATHESIS_HOOKS).

Idempotency-Key: the fuzzer draws the header's values from its schema, so the same short key
("0", "!") comes back for requests that differ, which the server rightly refuses (422, as the
IETF Idempotency-Key draft has it): a client never reuses a key for another request. Here a
key is kept on its first use and for a repeat of the very same request (a true retry, which
must get the first answer again); a key already spent on another request is replaced with a
fresh UUID. A key the schema refuses is left alone: that is a negative case, which the server
must answer 400 before it looks the key up. So is a case that leaves out a header on purpose
(a missing Authorization): schemathesis judges a case again after a hook edits its headers,
does not count the headers it did not declare, such as Authorization, and would then send the
run's own Authorization after all; the server must refuse such a request before it reads the
key.

Sessions of their own (FUZZ_API_SESSIONS, the log-in and log-out run only): a file of session
tokens, one a line. Every request carries the first live one; a log-out answered 204, or a 401
to a request that carried it, moves on to the next, so that log-out and the password change
keep meeting live sessions while the other runs' sessions are never touched.
"""

import json
import os
import re
import threading
import uuid
from collections.abc import MutableMapping

import schemathesis
from schemathesis.transport.prepare import get_exclude_headers

IDEMPOTENCY_KEY = "idempotency-key"
# The header's schema: 1 to 255 visible ASCII characters.
VALID_KEY = re.compile(r"[!-~]{1,255}")

_lock = threading.Lock()
# Every key sent, with the request it was first sent with.
_requests_by_key: dict[str, str] = {}


def _fingerprint(case) -> str:
    """What the request asks for, finer than the server's own (method, path and body)."""
    return json.dumps(
        [case.method.upper(), case.path, case.path_parameters, case.query, case.media_type, case.body],
        sort_keys=True,
        default=repr,
    )


@schemathesis.hook
def before_call(context, case, kwargs):
    headers = case.headers
    # A case-insensitive mapping as generated; anything else is a negative case of its own.
    if not isinstance(headers, MutableMapping):
        return
    name = next((name for name in headers if name.lower() == IDEMPOTENCY_KEY), None)
    if name is None or not isinstance(headers[name], str) or not VALID_KEY.fullmatch(headers[name]):
        return
    if get_exclude_headers(case):
        return
    fingerprint = _fingerprint(case)
    with _lock:
        key = headers[name]
        if _requests_by_key.setdefault(key, fingerprint) != fingerprint:
            key = str(uuid.uuid4())
            _requests_by_key[key] = fingerprint
            headers[name] = key


if os.environ.get("FUZZ_API_SESSIONS"):
    with open(os.environ["FUZZ_API_SESSIONS"], encoding="utf-8") as file:
        _sessions = [line.strip() for line in file if line.strip()]
    if not _sessions:
        raise RuntimeError("FUZZ_API_SESSIONS names a file without tokens")

    def _current() -> str:
        with _lock:
            return _sessions[0]

    def _spent(token: str) -> None:
        # The last one stays when all are spent: its requests are then answered 401, as documented.
        with _lock:
            if len(_sessions) > 1 and _sessions[0] == token:
                _sessions.pop(0)

    @schemathesis.auth(refresh_interval=None).apply_to(path=["/api/v1/auth/logout", "/api/v1/auth/password"])
    class ThrowawaySession:
        def get(self, case, context):
            return _current()

        def set(self, case, data, context):
            if case.headers is None:
                case.headers = {}
            case.headers["Authorization"] = f"Bearer {data}"

    @schemathesis.hook
    def after_call(context, case, response):
        sent = response.request.headers.get("Authorization", "")
        if not sent.startswith("Bearer "):
            return
        token = sent.removeprefix("Bearer ")
        logged_out = case.method.upper() == "POST" and case.path == "/api/v1/auth/logout" and response.status_code == 204
        if logged_out or response.status_code == 401:
            _spent(token)
