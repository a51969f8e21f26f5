"""A browser session's refresh cookie works only together with a proof held by the page.

Cookies are not isolated by port, so a tool served on the same host as the dashboard (another
port of 127.0.0.1, say) receives the dashboard's refresh cookie. The proof lives in the page's
own origin storage, which browsers do isolate by port: the cookie alone refreshes nothing.
It is derived from the session (the token family), so the server stores nothing more.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid


class BrowserBinding:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def proof_for(self, session_id: uuid.UUID) -> str:
        return hmac.new(self._key, session_id.bytes, hashlib.sha256).hexdigest()

    def verify(self, session_id: uuid.UUID, proof: str | None) -> bool:
        return proof is not None and hmac.compare_digest(self.proof_for(session_id), proof)
