"""Tool secrets encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256).

The Fernet key is derived from MACHETE's secret key with HKDF, so one configured secret
serves several purposes without any of them sharing key material.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from domain.errors import DomainError

# Fixed on purpose: changing either makes every stored secret unreadable.
KEY_SALT = b"machete tool secrets v1"
KEY_INFO = b"fernet key"
FERNET_KEY_BYTES = 32


class FernetSecretCipher:
    def __init__(self, secret_key: str) -> None:
        if not secret_key:
            raise ValueError("a secret key is required to encrypt tool secrets")
        self._fernet = Fernet(_derive_fernet_key(secret_key))

    def encrypt(self, plaintext: str) -> bytes:
        return self._fernet.encrypt(plaintext.encode("utf-8"))

    def decrypt(self, ciphertext: bytes) -> str:
        try:
            return self._fernet.decrypt(ciphertext).decode("utf-8")
        except (InvalidToken, UnicodeDecodeError, TypeError, ValueError):
            # `from None`: the cause would only add noise, never anything the user may see.
            raise DomainError(
                "a stored secret cannot be decrypted; was the secret key changed?"
            ) from None


def _derive_fernet_key(secret_key: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=FERNET_KEY_BYTES, salt=KEY_SALT, info=KEY_INFO)
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode("utf-8")))
