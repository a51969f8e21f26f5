"""A tool's variables and secrets (secrets encrypted, never readable back)."""

from __future__ import annotations

import uuid

from domain.clock import Clock
from domain.errors import NotFound, ValidationFailed
from domain.ports import (
    SecretCipher,
    UnitOfWork,
    UnitOfWorkFactory,
)
from domain.tools import access
from domain.tools.model import Tool
from domain.tools.naming import variable_problems
from domain.tools.secrets import REPO_URL_SECRET, ToolSecret
from domain.users.model import User


class ToolConfiguration:
    def __init__(self, uow: UnitOfWorkFactory, cipher: SecretCipher, clock: Clock) -> None:
        self._uow = uow
        self._cipher = cipher
        self._clock = clock

    async def set_environment(
        self, actor: User, tool_id: uuid.UUID, environment: dict[str, str]
    ) -> Tool:
        """Replace the tool's variables; they apply from the next start, restart or build."""
        access.require_operator(actor)
        problems = variable_problems(environment, ("environment",))
        if problems:
            raise ValidationFailed(problems)
        async with self._uow() as uow:
            tool = await self._locked(uow, tool_id)
            tool.set_environment(environment, self._clock.now())
            await uow.tools.save(tool)
            keys = sorted(environment)
            await uow.audit.record(
                access.event(actor, "tool.environment_set", tool, tool.updated_at, keys=keys)
            )
            await uow.commit()
        return tool

    async def set_secret(self, actor: User, tool_id: uuid.UUID, name: str, value: str) -> Tool:
        access.require_operator(actor)
        problems = variable_problems({name: value}, ("name",), "Secret")
        if problems:
            raise ValidationFailed(problems)
        async with self._uow() as uow:
            tool = await self._locked(uow, tool_id)
            await uow.tool_secrets.put(self._seal(tool.id, name, value))
            now = self._clock.now()
            await uow.audit.record(access.event(actor, "tool.secret_set", tool, now, name=name))
            await uow.commit()
        return tool

    async def delete_secret(self, actor: User, tool_id: uuid.UUID, name: str) -> Tool:
        access.require_operator(actor)
        async with self._uow() as uow:
            tool = await self._locked(uow, tool_id)
            if name == REPO_URL_SECRET or not await uow.tool_secrets.delete(tool.id, name):
                raise NotFound(f"The tool has no secret named {name!r}.", field=("name",))
            now = self._clock.now()
            await uow.audit.record(access.event(actor, "tool.secret_deleted", tool, now, name=name))
            await uow.commit()
        return tool

    def _seal(self, tool_id: uuid.UUID, name: str, value: str) -> ToolSecret:
        return ToolSecret(tool_id, name, self._cipher.encrypt(value), self._clock.now())

    async def _locked(self, uow: UnitOfWork, tool_id: uuid.UUID) -> Tool:
        tool = await uow.tools.lock(tool_id)
        if tool is None:
            raise NotFound("No tool with this id.", field=("id",))
        return tool
