"""Relay `Node`: opaque global ids that encode a type name and a key."""

from __future__ import annotations

import base64
import binascii
import uuid

import strawberry


@strawberry.interface(name="Node", description="An object with a globally unique, opaque ID.")
class Node:
    id: strawberry.ID


def to_global_id(type_name: str, key: uuid.UUID) -> strawberry.ID:
    raw = f"{type_name}:{key}".encode()
    return strawberry.ID(base64.urlsafe_b64encode(raw).decode().rstrip("="))


def from_global_id(global_id: str) -> tuple[str, uuid.UUID] | None:
    """Decode a global id; None for anything malformed (callers report "not found")."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, _, key = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
        return type_name, uuid.UUID(key)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def key_of(global_id: str, expected_type: str) -> uuid.UUID | None:
    decoded = from_global_id(global_id)
    if decoded is None or decoded[0] != expected_type:
        return None
    return decoded[1]
