"""Blocking image operations on a docker-py client (the engine runs them in threads)."""

from __future__ import annotations

import logging

import docker
from docker.errors import APIError, ImageNotFound, NotFound

from domain.containers import TOOL_LABEL
from infra.docker.error_mapping import is_conflict

logger = logging.getLogger(__name__)


def exists(client: docker.DockerClient, tag: str) -> bool:
    try:
        client.api.inspect_image(tag)
    except ImageNotFound:
        return False
    return True


def remove(client: docker.DockerClient, tag: str) -> None:
    """Remove the tag (and the image with its untagged parents once nothing else needs them)."""
    try:
        client.api.remove_image(tag, force=True)
    except NotFound:
        logger.debug("image %s already gone; nothing to remove", tag)


def remove_labelled(client: docker.DockerClient, tool_name: str) -> None:
    """Every image labelled as this tool's, whatever its tags; forced, as the tool is going.

    Only top-level images: intermediate layers carry whatever labels a Dockerfile set, so a
    tool could label them as another tool's. An image that another image was built FROM
    cannot be removed (a conflict) and is kept.
    """
    labelled = client.api.images(filters={"label": f"{TOOL_LABEL}={tool_name}"})
    for image_id in dict.fromkeys(str(image["Id"]) for image in labelled):
        try:
            client.api.remove_image(image_id, force=True)
        except NotFound:
            # Removing a newer image can prune an older one with it.
            logger.debug("image %s already gone", image_id)
        except APIError as error:
            if not is_conflict(error):
                raise
            logger.warning("image %s of %s is still needed: %s", image_id, tool_name, error)
