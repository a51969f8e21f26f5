"""The operator's settings turned into what the services apply (limits, policies, keys)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from domain.auth.throttle import ThrottlePolicy
from domain.builds.pipeline import BuildLimits
from domain.gateway.addresses import PublicAddresses
from domain.services import ServiceSettings
from domain.tools.policy import MIB, NANO_CPUS_PER_CPU, ToolPolicy
from infra.settings import Settings, TlsSetting


def service_settings(settings: Settings) -> ServiceSettings:
    return ServiceSettings(
        mode=settings.mode.value,
        tool_policy=tool_policy(settings),
        build_limits=build_limits(settings),
        throttle=throttle_policy(settings),
        refresh_token_ttl=timedelta(seconds=settings.refresh_token_ttl_seconds),
        browser_binding_key=binding_key(settings),
        tool_pass_key=derived_key(settings, b"machete tool passes"),
        health_history_size=settings.health_history_size,
        starting_grace=timedelta(seconds=settings.health_check_timeout_seconds + 30),
        addresses=public_addresses(settings),
    )


def public_addresses(settings: Settings) -> PublicAddresses:
    return PublicAddresses(
        enabled=settings.gateway_enabled,
        base_domain=settings.base_domain,
        scheme="http" if settings.tls is TlsSetting.OFF else "https",
        port=settings.port,
        upstream_host=settings.tool_upstream_host,
    )


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


def throttle_policy(settings: Settings) -> ThrottlePolicy:
    return ThrottlePolicy(
        max_failures_per_account=settings.sign_in_max_failures_per_account,
        max_failures_per_client=settings.sign_in_max_failures_per_client,
        max_failures_account_wide=settings.sign_in_max_failures_account_wide,
        window=timedelta(seconds=settings.sign_in_failure_window_seconds),
    )


def binding_key(settings: Settings) -> bytes:
    """The key of browser sessions' binding proofs, derived from (never equal to) the secret."""
    return derived_key(settings, b"machete browser session binding")


def derived_key(settings: Settings, purpose: bytes) -> bytes:
    """A key for one purpose, derived from (never equal to) the server's secret."""
    secret = settings.resolved_secret_key().encode()
    return hmac.new(secret, purpose, hashlib.sha256).digest()
