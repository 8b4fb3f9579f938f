"""Schemathesis checks of the gateway's envelopes (loaded with SCHEMATHESIS_HOOKS).

The Open-Job and IBPS families answer errors as HTTP 200 with the error in the body, so
a server error can hide behind a 200: no envelope may carry a 5xx code or state.
"""
import schemathesis


@schemathesis.check
def no_server_error_in_envelope(ctx, response, case):
    try:
        body = response.json()
    except Exception:
        return None
    if not isinstance(body, dict):
        return None
    code = body.get("code", body.get("state"))
    if isinstance(code, int) and not isinstance(code, bool) and code >= 500:
        message = body.get("msg", body.get("message", ""))
        raise AssertionError(f"the envelope carries a server error: {code} {message}")
    return None
