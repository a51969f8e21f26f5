"""Opaque secrets (refresh and API tokens): random, prefixed by kind, stored only as digests.

They carry 256 bits of entropy, so a fast digest is enough; a slow password hash would only
cost CPU on every request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

REFRESH_TOKEN_PREFIX = "mch_rt_"
# A browser session's refresh token (the cookie): refreshed only at /auth/refresh, with its proof.
BROWSER_REFRESH_TOKEN_PREFIX = "mch_rb_"
API_TOKEN_PREFIX = "mch_pat_"


def new_refresh_token(*, browser: bool = False) -> str:
    prefix = BROWSER_REFRESH_TOKEN_PREFIX if browser else REFRESH_TOKEN_PREFIX
    return prefix + secrets.token_urlsafe(32)


def is_browser_refresh_token(token: str) -> bool:
    return token.startswith(BROWSER_REFRESH_TOKEN_PREFIX)


def new_api_token() -> str:
    return API_TOKEN_PREFIX + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_api_token(token: str) -> bool:
    return token.startswith(API_TOKEN_PREFIX)


def same_digest(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)
