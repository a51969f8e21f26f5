"""git's failures as `SourceError`s whose messages are safe to show (no credentials)."""

from __future__ import annotations

from domain.checkouts import SourceSpec
from domain.errors import ErrorCode, SourceError
from domain.tools.source import display_url
from infra.git.process import GitFailed, StopReason
from infra.git.redaction import scrub

# What git (and the servers it talks to) say when the ref, not the repository, is missing.
REF_MISSING_SIGNS = (
    "couldn't find remote ref",
    "not our ref",
    "no such remote ref",
    "unadvertised object",
    "remote ref does not exist",
)
MAX_DETAIL_LENGTH = 300


def fetch_failure(failure: GitFailed, source: SourceSpec) -> SourceError:
    said = "\n".join(failure.stderr).lower()
    if source.ref and any(sign in said for sign in REF_MISSING_SIGNS):
        return SourceError(
            f"The ref {source.ref!r} was not found in {display_url(source.repo_url)}",
            code=ErrorCode.REF_NOT_FOUND,
        )
    return SourceError(
        f"Could not fetch {display_url(source.repo_url)}: {git_reason(failure, source)}",
        code=ErrorCode.REPOSITORY_UNREACHABLE,
    )


def checkout_failure(failure: GitFailed, source: SourceSpec) -> SourceError:
    # The fetch worked, so the repository was reachable; its tree could not be written out.
    return SourceError(
        f"Could not check out {display_url(source.repo_url)}: {git_reason(failure, source)}",
        code=ErrorCode.REPOSITORY_UNREACHABLE,
    )


def stopped_failure(
    reason: StopReason, source: SourceSpec, *, timeout: float, cap: int
) -> SourceError:
    shown = display_url(source.repo_url)
    if reason is StopReason.TOO_LARGE:
        return SourceError(
            f"The repository {shown} is larger than the {cap / 2**20:g} MiB limit",
            code=ErrorCode.REPOSITORY_TOO_LARGE,
        )
    return SourceError(
        f"Fetching {shown} took longer than {timeout:g} seconds",
        code=ErrorCode.CLONE_TIMEOUT,
    )


def git_reason(failure: GitFailed, source: SourceSpec) -> str:
    """git's first fatal or error line, scrubbed; a generic phrase if it printed none."""
    for line in failure.stderr:
        text = line.strip()
        for prefix in ("fatal:", "error:"):
            if text.lower().startswith(prefix):
                detail = scrub(text[len(prefix) :].strip(), source.repo_url)
                return detail[:MAX_DETAIL_LENGTH]
    return f"git exited with status {failure.status}"
