"""Schemathesis hooks for the gateway (loaded with SCHEMATHESIS_HOOKS).

The Open-Job and IBPS families answer errors as HTTP 200 with the error in the body, so
a server error can hide behind a 200: no envelope may carry a 5xx code or state (IBPS
state 501 is that protocol's "not enabled", answered with HTTP 403; DESIGN.md).
"""
import ast
import base64
import hashlib
import hmac
import json
import os
import threading
import time
import uuid

import schemathesis

# CPython before 3.11.9 / 3.12.3 keeps one AST-conversion depth counter per interpreter,
# so two threads parsing at once can fail with "SystemError: AST constructor recursion
# depth mismatch" (CPython gh-106905). Schemathesis's workers are threads, and hypothesis
# parses lambda sources to describe filtered strategies: one parse at a time.
_parse_lock = threading.Lock()
_parse = ast.parse


def _parse_one_at_a_time(*args, **kwargs):
    with _parse_lock:
        return _parse(*args, **kwargs)


ast.parse = _parse_one_at_a_time


@schemathesis.check
def no_server_error_in_envelope(ctx, response, case):
    try:
        body = response.json()
    except Exception:
        return None
    if not isinstance(body, dict):
        return None
    ibps = "state" in body
    code = body.get("state") if ibps else body.get("code")
    if not isinstance(code, int) or isinstance(code, bool) or not 500 <= code <= 599:
        return None
    if ibps and code == 501:
        return None
    message = body.get("message") if ibps else body.get("msg")
    raise AssertionError(f"the envelope carries a server error: {code} {message}")


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@schemathesis.auth()
class FreshToken:
    """A new HS256 access token for the account in JOBWIRE_FUZZ_SUB every few seconds.

    Fuzzing calls logout and password changes with the token it is given, which revokes
    it; a fresh token keeps the rest of the run authenticated.
    """

    def get(self, case, ctx):
        now = int(time.time())
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        claims = {"sub": os.environ["JOBWIRE_FUZZ_SUB"], "jti": str(uuid.uuid4()), "tenant": os.environ.get("JOBWIRE_FUZZ_TENANT", "1"), "iat": now, "exp": now + 600}
        payload = _b64(json.dumps(claims).encode())
        signature = hmac.new(os.environ["JOBWIRE_FUZZ_JWT_SECRET"].encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
        return f"{header}.{payload}.{_b64(signature)}"

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
