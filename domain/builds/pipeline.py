"""Drives one claimed build: clone, validate, build the image, start it, wait for health."""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass

from domain.builds.log_writer import BuildLogWriter
from domain.builds.model import Build, BuildStatus, BuildTrigger, LogLine
from domain.builds.progress import BuildProgress
from domain.clock import Clock
from domain.containers import ImageBuild, container_name, image_tag, labels_for
from domain.errors import DomainError, EngineError, ErrorCode, ValidationFailed
from domain.events import BuildLogAppended
from domain.manifest.model import manifest_from_document
from domain.ports import (
    ContainerEngine,
    ManifestLoader,
    SourceControl,
    UnitOfWorkFactory,
)
from domain.tools.launcher import Launch, ToolLauncher
from domain.tools.model import Tool
from domain.tools.source import validate_source
from domain.tools.status import DesiredState
from domain.tools.switch import NOTHING_RUNNING, Candidate, ToolSwitcher, uninterrupted

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildLimits:
    timeout_seconds: float = 1800
    max_log_lines: int = 20000
    max_log_bytes: int = 10 * 1024 * 1024
    allow_local_repos: bool = False


@dataclass
class BuildControl:
    """Why the worker cancelled the build's task: a user's cancel, or a shutdown."""

    stop_reason: str | None = None

    @property
    def shutting_down(self) -> bool:
        return self.stop_reason == "shutdown"


class BuildPipeline:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        source: SourceControl,
        manifests: ManifestLoader,
        engine: ContainerEngine,
        launcher: ToolLauncher,
        switcher: ToolSwitcher,
        clock: Clock,
        limits: BuildLimits,
    ) -> None:
        self._switcher = switcher
        self._uow = uow
        self._source = source
        self._manifests = manifests
        self._engine = engine
        self._launcher = launcher
        self._clock = clock
        self._limits = limits

    async def run(self, build_id: uuid.UUID, control: BuildControl) -> None:
        progress = BuildProgress(self._uow, self._clock, build_id)
        build = await progress.build()
        log = self._writer(build)
        log.start()
        try:
            await self._run_guarded(progress, build, log, control)
        finally:
            if control.stop_reason == "lease_lost":
                # The reaper (or another worker) writes this build's log now.
                await log.abandon()
            else:
                await asyncio.shield(log.close())

    async def _run_guarded(
        self, progress: BuildProgress, build: Build, log: BuildLogWriter, control: BuildControl
    ) -> None:
        try:
            async with asyncio.timeout(self._limits.timeout_seconds):
                await self._execute(progress, build, log)
        except TimeoutError:
            message = f"The build did not finish within {self._limits.timeout_seconds:g} seconds."
            await asyncio.shield(progress.fail(log, ErrorCode.BUILD_TIMEOUT, message))
        except ValidationFailed as error:
            for problem in error.problems:
                log.system(f"error: {problem.message}")
            await asyncio.shield(progress.fail(log, error.code, error.message))
        except DomainError as error:
            await asyncio.shield(progress.fail(log, error.code, error.message))
        except asyncio.CancelledError:
            await self._stopped(progress, log, control)
        except Exception:
            logger.exception("build %s failed unexpectedly", build.id)
            message = "An unexpected error stopped the build; the server log has details."
            await asyncio.shield(progress.fail(log, ErrorCode.INTERNAL_ERROR, message))

    async def _stopped(
        self, progress: BuildProgress, log: BuildLogWriter, control: BuildControl
    ) -> None:
        """The task was cancelled: by a user (CANCELLED), a shutdown (requeued) or lease loss."""
        if control.stop_reason == "lease_lost":
            raise asyncio.CancelledError  # another worker or the reaper owns the build now
        if control.shutting_down:
            if not (await progress.build()).status.is_finished:  # (a switch may have ended it)
                await asyncio.shield(progress.release(log))
            raise asyncio.CancelledError
        await asyncio.shield(self._cancel(progress, log))

    async def _cancel(self, progress: BuildProgress, log: BuildLogWriter) -> None:
        """Undo what the build did (its container, if it got that far, and its image); the
        cancel is recorded whatever the engine says."""
        build, tool = await progress.build(), await progress.tool()
        if build.status.is_finished:
            return  # it ended (or was failed by the reaper) before the cancel arrived
        try:
            if progress.launch_attempted:
                async with self._launcher.lock_for(tool.id):
                    await self._engine.remove_container(container_name(tool.name))
            before = progress.before
            ran_before = before is not None and before.image.build_id == build.id
            if build.trigger is not BuildTrigger.ROLLBACK and not ran_before:
                await self._engine.remove_image(image_tag(tool.name, build.number))
        except DomainError as error:
            log.system(f"warning: cleaning up after the cancel failed: {error.message}")
        await progress.cancel(log)

    async def _execute(self, progress: BuildProgress, build: Build, log: BuildLogWriter) -> None:
        if build.trigger is BuildTrigger.ROLLBACK:
            await self._start(progress, build, log)
            return
        tool = await progress.advance(BuildStatus.CLONING)
        repo_url = self._launcher.repo_url(tool, await progress.secrets())
        source = validate_source(
            repo_url, build.ref, tool.subdir, allow_local=self._limits.allow_local_repos
        )
        async with self._source.checkout(source, log.write) as checkout:
            manifest = await asyncio.to_thread(self._manifests.load, checkout.directory)
            log.system(f"Manifest valid: {manifest.name} {manifest.version or ''}".rstrip())
            await progress.record_source(checkout.commit_sha, manifest.to_document())
            await progress.advance(BuildStatus.BUILDING)
            tag = image_tag(tool.name, build.number)
            log.system(f"Building image {tag}")
            labels = labels_for(tool.name, str(build.id))
            await self._engine.build_image(ImageBuild(checkout.directory, tag, labels), log.write)
            await progress.record_image(tag)
        await self._start(progress, await progress.build(), log)

    async def _start(self, progress: BuildProgress, build: Build, log: BuildLogWriter) -> None:
        tool = await progress.advance(BuildStatus.STARTING)
        if not build.image or not build.manifest:
            raise EngineError("This build has no image to run.", code=ErrorCode.IMAGE_MISSING)
        if not await self._engine.image_exists(build.image):
            raise EngineError(
                f"The image {build.image} no longer exists.", code=ErrorCode.IMAGE_MISSING
            )
        manifest = manifest_from_document(build.manifest)
        secrets = await progress.secrets()
        # Under the tool's lock, a stop either came before (and is seen here) or waits.
        async with self._launcher.lock_for(tool.id):
            tool = await progress.tool()
            if tool.desired_state is not DesiredState.RUNNING:
                # Stopped while building: keep the new image for the next start, start nothing.
                await self._engine.remove_container(container_name(tool.name))
                await progress.mark_launched()
                await progress.finish_stopped(log)
                return
            launch = Launch(tool, manifest, build.image, str(build.id), secrets)
            reason = await self._switcher.why_not_rolling(launch)
            if reason is None:
                await self._switch(progress, launch, log)
                return
            if reason != NOTHING_RUNNING:
                log.system(f"Replacing the running container (stop, then start): {reason}")
            log.system(f"Starting {tool.name} on {tool.url} (health {manifest.health_check})")
            progress.launch_attempted = True
            await self._launcher.launch(launch)
            await progress.mark_launched()
        result = await self._launcher.wait_until_healthy(await progress.tool())
        await progress.finish_start(log, result)

    async def _switch(self, progress: BuildProgress, launch: Launch, log: BuildLogWriter) -> None:
        """The new container beside the old one (under the tool's lock): the old one serves
        until the new one is healthy, and on if it never is."""
        candidate = await self._switcher.start_beside(launch, log.system)
        if candidate.withdrawn:
            await self._stopped_meanwhile(progress, log)
        elif not candidate.ready:
            await progress.finish_refused(log, candidate.health)
        else:
            await uninterrupted(self._cut_over(progress, launch.tool, candidate, log))

    async def _cut_over(
        self, progress: BuildProgress, tool: Tool, candidate: Candidate, log: BuildLogWriter
    ) -> None:
        if await self._switcher.cut_over(tool, candidate, progress, log.system):
            await progress.finish_start(log, candidate.health)
        else:
            await self._stopped_meanwhile(progress, log)

    @staticmethod
    async def _stopped_meanwhile(progress: BuildProgress, log: BuildLogWriter) -> None:
        # As when stopped while building: the new image is what the next start runs.
        await progress.mark_launched()
        await progress.finish_stopped(log)

    def _writer(self, build: Build) -> BuildLogWriter:
        async def store(build_id: uuid.UUID, lines: list[LogLine], total_bytes: int) -> None:
            async with self._uow() as uow:
                await uow.build_logs.append(build_id, lines)
                uow.record(BuildLogAppended(build_id, lines[-1].seq))
                await uow.builds.record_log_progress(build_id, lines[-1].seq, total_bytes)
                await uow.commit()

        async def stored_seq(build_id: uuid.UUID) -> int:
            # After a store that raised: did its transaction commit after all?
            async with self._uow(read_only=True) as uow:
                stored = await uow.builds.get(build_id)
            return stored.log_line_count if stored is not None else 0

        return BuildLogWriter(
            build.id,
            store,
            self._clock,
            next_seq=build.log_line_count,
            stored_bytes=build.log_bytes,
            max_lines=self._limits.max_log_lines,
            max_bytes=self._limits.max_log_bytes,
            stored_seq=stored_seq,
        )
