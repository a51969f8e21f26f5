"""FernetSecretCipher with the real `cryptography` library."""

from __future__ import annotations

import pytest

from domain.errors import DomainError
from infra.security.secret_cipher import FernetSecretCipher

KEY = "k" * 24 + "first-secret-key-for-tests"
OTHER_KEY = "k" * 24 + "other-secret-key-for-tests"
PLAINTEXT = "db-password: hunter2 ✓"


def test_a_secret_survives_a_round_trip() -> None:
    cipher = FernetSecretCipher(KEY)
    assert cipher.decrypt(cipher.encrypt(PLAINTEXT)) == PLAINTEXT
    assert cipher.decrypt(cipher.encrypt("")) == ""


def test_a_new_cipher_with_the_same_key_reads_what_an_earlier_one_wrote() -> None:
    ciphertext = FernetSecretCipher(KEY).encrypt(PLAINTEXT)
    assert FernetSecretCipher(KEY).decrypt(ciphertext) == PLAINTEXT


def test_the_ciphertext_hides_the_plaintext_and_differs_between_encryptions() -> None:
    cipher = FernetSecretCipher(KEY)
    first, second = cipher.encrypt(PLAINTEXT), cipher.encrypt(PLAINTEXT)
    assert first != second
    assert b"hunter2" not in first and b"hunter2" not in second
    assert KEY.encode() not in first


def test_a_secret_written_with_another_key_is_refused_without_revealing_anything() -> None:
    ciphertext = FernetSecretCipher(OTHER_KEY).encrypt(PLAINTEXT)
    with pytest.raises(DomainError) as caught:
        FernetSecretCipher(KEY).decrypt(ciphertext)
    message = str(caught.value)
    assert "cannot be decrypted" in message
    for revealing in ("hunter2", KEY, OTHER_KEY, ciphertext.decode()):
        assert revealing not in message
    assert caught.value.__cause__ is None


@pytest.mark.parametrize("ciphertext", [b"", b"not a fernet token", b"\xff\x00garbage"])
def test_a_corrupted_ciphertext_is_refused_as_a_domain_error(ciphertext: bytes) -> None:
    with pytest.raises(DomainError, match="cannot be decrypted"):
        FernetSecretCipher(KEY).decrypt(ciphertext)


def test_a_tampered_ciphertext_is_refused() -> None:
    token = bytearray(FernetSecretCipher(KEY).encrypt(PLAINTEXT))
    token[-5] = ord("A") if token[-5] != ord("A") else ord("B")
    with pytest.raises(DomainError):
        FernetSecretCipher(KEY).decrypt(bytes(token))


def test_an_empty_secret_key_is_refused() -> None:
    with pytest.raises(ValueError, match="secret key is required"):
        FernetSecretCipher("")
