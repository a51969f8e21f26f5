"""Opening the logs endpoint for a container's output, stdout and stderr in one stream."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import docker
import requests
from docker.errors import NotFound as NoSuchContainer
from docker.errors import create_api_error_from_http_exception

from domain.errors import NotFound

CONNECT_TIMEOUT_SECONDS = 10
NO_CONTAINER = "The tool has no container."
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class OutputQuery:
    """Which lines to start with: the last `tail` (every line when None), none before `since`."""

    tail: int | None
    since: datetime | None = None

    def params(self) -> dict[str, int | str]:
        params: dict[str, int | str] = {
            "stdout": 1,
            "stderr": 1,
            "follow": 1,
            "timestamps": 1,
            "tail": "all" if self.tail is None else max(self.tail, 0),
        }
        if self.since is not None:
            params["since"] = unix_seconds(self.since)
        return params


def unix_seconds(moment: datetime) -> str:
    """`seconds.fraction` as the daemon reads it (a float would round the microseconds). The
    daemon keeps lines stamped at or after it: the line at the very instant comes again."""
    elapsed = moment - EPOCH
    return f"{elapsed.days * 86400 + elapsed.seconds}.{elapsed.microseconds:06d}"


def open_output(
    api: docker.APIClient, name: str, query: OutputQuery
) -> tuple[requests.Response, bool]:
    """The streaming response following the container's output, and whether the container
    has a TTY (then the body is raw text)."""
    try:
        details = api.inspect_container(name)
    except NoSuchContainer as error:
        raise NotFound(NO_CONTAINER) from error
    tty = bool((details.get("Config") or {}).get("Tty"))
    params = query.params()
    # By id: a container created under the same name meanwhile is not this one.
    url = f"{api.base_url}/v{api.api_version}/containers/{details['Id']}/logs"
    # No read timeout: a quiet container may print nothing for hours; closing the feed cuts
    # the socket instead.
    response = api.get(url, params=params, stream=True, timeout=(CONNECT_TIMEOUT_SECONDS, None))
    try:
        response.raise_for_status()
    except requests.HTTPError as error:
        try:
            if response.status_code == 404:  # removed since we looked
                raise NotFound(NO_CONTAINER) from error
            create_api_error_from_http_exception(error)  # raises docker's APIError
            raise
        finally:
            response.close()
    return response, tty
