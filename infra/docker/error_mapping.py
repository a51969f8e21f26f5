"""docker-py and transport errors become `EngineError`s with messages safe to show users."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from docker.errors import APIError, DockerException, ImageNotFound
from requests.exceptions import RequestException
from urllib3.exceptions import HTTPError as Urllib3Error

from domain.errors import EngineError, ErrorCode

logger = logging.getLogger(__name__)

UNREACHABLE_MESSAGE = "The Docker engine cannot be reached"
MAX_EXPLANATION_LENGTH = 300

# Everything that means "we could not talk to the daemon" (APIError is handled first).
TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (
    DockerException,
    RequestException,
    Urllib3Error,
    OSError,
)


def unreachable() -> EngineError:
    return EngineError(UNREACHABLE_MESSAGE, code=ErrorCode.ENGINE_UNAVAILABLE)


def explanation(error: APIError) -> str:
    """The daemon's own one-line reason (e.g. "No such image: x"), without URLs or traces."""
    text = error.explanation
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    reason = error.response.reason if error.response is not None else None
    first_line = str(text or reason or "error").strip().splitlines()
    return (first_line[0] if first_line else "error")[:MAX_EXPLANATION_LENGTH]


def is_conflict(error: APIError) -> bool:
    return error.status_code == 409


@contextmanager
def engine_errors(action: str, code: ErrorCode) -> Iterator[None]:
    """Map a failed docker call: `code` when the daemon refused, ENGINE_UNAVAILABLE when it
    could not be reached, IMAGE_MISSING when the image it needed does not exist."""
    try:
        yield
    except EngineError:
        raise
    except ImageNotFound as error:
        raise EngineError(
            f"Docker could not {action}: {explanation(error)}", code=ErrorCode.IMAGE_MISSING
        ) from error
    except APIError as error:
        raise EngineError(f"Docker could not {action}: {explanation(error)}", code=code) from error
    except TRANSPORT_ERRORS as error:
        logger.warning("docker engine unreachable while trying to %s: %s", action, error)
        raise unreachable() from error
