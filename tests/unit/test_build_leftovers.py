"""An aborted build's cleanup also finds the layer committed just as it was aborted."""

from __future__ import annotations

from typing import Any

from infra.docker.build_output import BuildOutput
from infra.docker.image_build import remove_build_leftovers

BASE = "sha256:" + "b" * 64
OURS = "sha256:" + "1" * 64
UNSEEN = "sha256:" + "2" * 64
UNSEEN_CHILD = "sha256:" + "3" * 64
SOMEONE_ELSES = "sha256:" + "4" * 64


class FakeApi:
    def __init__(self, images: list[dict[str, Any]]) -> None:
        self._images = images
        self.removed: list[str] = []

    def images(self, all: bool = False) -> list[dict[str, Any]]:
        return self._images

    def remove_image(self, image: str, noprune: bool = False) -> None:
        self.removed.append(image)

    def remove_container(self, container: str, force: bool = False) -> None:
        raise AssertionError("no step container in this build")


def image(image_id: str, parent: str, tags: list[str] | None = None) -> dict[str, Any]:
    return {"Id": image_id, "ParentId": parent, "RepoTags": tags}


def test_untagged_children_of_the_builds_layers_are_removed_newest_first() -> None:
    api = FakeApi(
        [
            image(BASE, "", ["busybox:latest"]),
            image(OURS, BASE),
            image(UNSEEN, OURS, ["<none>:<none>"]),
            image(UNSEEN_CHILD, UNSEEN),
            image(SOMEONE_ELSES, OURS, ["other/tool:3"]),
        ]
    )
    output = BuildOutput()
    output.created_layers.append(OURS.removeprefix("sha256:")[:12])
    remove_build_leftovers(api, output, None)
    assert api.removed == [UNSEEN_CHILD, UNSEEN, OURS[7:19]]


def test_a_build_that_recorded_no_layer_touches_no_other_image() -> None:
    api = FakeApi([image(BASE, "", ["busybox:latest"]), image(UNSEEN, BASE)])
    remove_build_leftovers(api, BuildOutput(), None)
    assert api.removed == []
