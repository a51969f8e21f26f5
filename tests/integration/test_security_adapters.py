"""Argon2id hashing and the JWT codec's refusal of every kind of bad token."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from domain.auth.opaque_tokens import new_refresh_token
from domain.errors import InvalidToken
from infra.security.argon2_hasher import Argon2PasswordHasher
from infra.security.jwt_codec import PyJWTCodec

KEY = "s" * 64
USER, SESSION = uuid.uuid4(), uuid.uuid4()


def codec(key: str = KEY) -> PyJWTCodec:
    return PyJWTCodec(key, "machete", "machete-api", timedelta(minutes=15))


def claims(**overrides: object) -> dict:
    now = datetime.now(UTC)
    base = {
        "sub": str(USER),
        "sid": str(SESSION),
        "iss": "machete",
        "aud": "machete-api",
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
        "jti": uuid.uuid4().hex,
        "use": "access",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def unsigned(payload: dict) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(payload)}."


async def test_passwords_are_hashed_with_argon2id_and_verified() -> None:
    hasher = Argon2PasswordHasher()
    hashed = await hasher.hash("correct horse battery")
    assert hashed.startswith("$argon2id$")
    assert await hasher.verify(hashed, "correct horse battery")
    assert not await hasher.verify(hashed, "wrong horse battery")
    assert not await hasher.verify("not-a-hash", "anything")


def test_an_issued_token_decodes_to_its_user_and_session() -> None:
    issued = codec().issue(USER, SESSION, datetime.now(UTC))
    decoded = codec().decode(issued.token)
    assert (decoded.user_id, decoded.session_id) == (USER, SESSION)
    assert jwt.get_unverified_header(issued.token)["alg"] == "HS256"


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda: jwt.encode(claims(exp=1, iat=0), KEY, "HS256"), id="expired"),
        pytest.param(lambda: jwt.encode(claims(), "x" * 64, "HS256"), id="other-key"),
        pytest.param(lambda: unsigned(claims()), id="alg-none"),
        pytest.param(lambda: jwt.encode(claims(aud=None), KEY, "HS256"), id="missing-aud"),
        pytest.param(lambda: jwt.encode(claims(iss=None), KEY, "HS256"), id="missing-iss"),
        pytest.param(lambda: jwt.encode(claims(aud="other"), KEY, "HS256"), id="wrong-aud"),
        pytest.param(lambda: jwt.encode(claims(iss="other"), KEY, "HS256"), id="wrong-iss"),
        pytest.param(lambda: jwt.encode(claims(jti=None), KEY, "HS256"), id="missing-jti"),
        pytest.param(lambda: jwt.encode(claims(iat=None), KEY, "HS256"), id="missing-iat"),
        pytest.param(lambda: jwt.encode(claims(use="refresh"), KEY, "HS256"), id="not-access"),
        pytest.param(lambda: jwt.encode(claims(), KEY, "HS512"), id="other-algorithm"),
        pytest.param(new_refresh_token, id="refresh-token"),
        pytest.param(lambda: "garbage", id="garbage"),
    ],
)
def test_bad_tokens_are_refused(token: Callable[[], str]) -> None:
    with pytest.raises(InvalidToken):
        codec().decode(token())
