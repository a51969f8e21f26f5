"""Entities to store, and `given` to store them in one committed unit of work."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta

from domain.auth.model import ApiToken, RefreshToken, TokenFamily
from domain.builds.model import Build, BuildTrigger, LogLine, LogStream
from domain.ports import UnitOfWork, UnitOfWorkFactory
from domain.tools.health import HealthCheck
from domain.tools.model import Tool
from domain.tools.secrets import ToolSecret
from domain.users.model import Role, User

NOW = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
_ports = itertools.count(20000)

Row = User | TokenFamily | RefreshToken | ApiToken | Tool | ToolSecret | Build | HealthCheck


def at(seconds: float) -> datetime:
    return NOW + timedelta(seconds=seconds)


def a_tool(name: str, *, created_at: datetime = NOW, **fields: object) -> Tool:
    url = f"https://git.example.com/{name}.git"
    return Tool(name, url, None, None, next(_ports), created_at, created_at, **fields)  # type: ignore[arg-type]


def a_build(tool: Tool, number: int, *, queued_at: datetime = NOW, **fields: object) -> Build:
    return Build(tool.id, number, BuildTrigger.INSTALL, "main", queued_at, **fields)  # type: ignore[arg-type]


def a_user(name: str, *, created_at: datetime = NOW, role: Role = Role.VIEWER) -> User:
    return User(name, f"{name}@example.com", "hash", role, created_at, created_at)


def a_refresh_token(family: TokenFamily, token_hash: str, created_at: datetime) -> RefreshToken:
    return RefreshToken(family.user_id, family.id, token_hash, created_at, at(86400))


def lines(*seqs: int) -> list[LogLine]:
    return [LogLine(seq, LogStream.STDOUT, at(seq), f"line {seq}") for seq in seqs]


def ids(items: list[Tool] | list[Build] | list[User]) -> set[uuid.UUID]:
    return {item.id for item in items}


async def given(uow: UnitOfWorkFactory, *rows: Row) -> None:
    """Store `rows` (parents before children) and commit."""
    async with uow() as work:
        for row in rows:
            await add(work, row)
        await work.commit()


async def add(work: UnitOfWork, row: Row) -> None:
    match row:
        case User():
            await work.users.add(row)
        case TokenFamily():
            await work.refresh_tokens.add_family(row)
        case RefreshToken():
            await work.refresh_tokens.add(row)
        case ApiToken():
            await work.api_tokens.add(row)
        case Tool():
            await work.tools.add(row)
        case ToolSecret():
            await work.tool_secrets.put(row)
        case Build():
            await work.builds.add(row)
        case HealthCheck():
            await work.health_checks.add(row)
