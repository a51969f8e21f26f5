"""The tool side of the composition root: limits from settings, and the adapters tools use."""

from __future__ import annotations

from dataclasses import dataclass

from domain.builds.pipeline import BuildLimits
from domain.clock import Clock
from domain.tools.policy import MIB, NANO_CPUS_PER_CPU, ToolPolicy
from domain.tools.runtime import ToolRuntime
from domain.version import PLATFORM_VERSION
from infra.docker.engine import DockerContainerEngine
from infra.files.tool_files import LocalToolFiles
from infra.git.source_control import GitPythonSourceControl
from infra.health.http_probe import HttpxHealthProbe
from infra.manifest.loader import YamlManifestLoader
from infra.security.secret_cipher import FernetSecretCipher
from infra.settings import Settings


def tool_policy(settings: Settings) -> ToolPolicy:
    return ToolPolicy(
        allow_local_repos=settings.allow_local_repos,
        port_range=(settings.tool_port_range_start, settings.tool_port_range_end),
        default_memory_bytes=settings.tool_default_memory_mb * MIB,
        max_memory_bytes=settings.tool_max_memory_mb * MIB,
        default_nano_cpus=int(settings.tool_default_cpus * NANO_CPUS_PER_CPU),
        max_nano_cpus=int(settings.tool_max_cpus * NANO_CPUS_PER_CPU),
        pids_limit=settings.tool_pids_limit,
        health_timeout_seconds=settings.health_check_timeout_seconds,
    )


def build_limits(settings: Settings) -> BuildLimits:
    return BuildLimits(
        timeout_seconds=settings.build_timeout_seconds,
        max_log_lines=settings.max_log_lines_per_build,
        max_log_bytes=settings.max_log_bytes_per_build,
        allow_local_repos=settings.allow_local_repos,
    )


@dataclass(frozen=True)
class ToolAdapters:
    docker: DockerContainerEngine
    source: GitPythonSourceControl
    manifests: YamlManifestLoader
    files: LocalToolFiles
    cipher: FernetSecretCipher
    runtime: ToolRuntime


def tool_adapters(settings: Settings, policy: ToolPolicy, clock: Clock) -> ToolAdapters:
    docker = DockerContainerEngine(network_mode=settings.network_mode.value)
    files = LocalToolFiles(settings.tools_dir)
    cipher = FernetSecretCipher(settings.resolved_secret_key())
    return ToolAdapters(
        docker=docker,
        source=GitPythonSourceControl(
            settings.workspaces_dir,
            timeout_seconds=settings.clone_timeout_seconds,
            max_size_bytes=settings.max_repo_size_mb * MIB,
        ),
        manifests=YamlManifestLoader(PLATFORM_VERSION),
        files=files,
        cipher=cipher,
        runtime=ToolRuntime(docker, files, HttpxHealthProbe(), cipher, policy, clock),
    )
