"""YAML text -> the domain's located node tree, through PyYAML's safe composer.

Only plain data is accepted: anchors and aliases (which let a small file expand into a huge
one) and tags other than YAML's own scalar types are problems, as is a document over 64 KiB.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import AliasEvent, NodeEvent

from domain.errors import ValidationFailed
from domain.manifest.document import Entry, Mapping, Node, Scalar, Sequence
from domain.manifest.problems import ManifestProblem

MAX_DOCUMENT_BYTES = 64 * 1024
MAX_DEPTH = 32
_TAG = "tag:yaml.org,2002:"
# Kept as the author's text: a date-like `version: 2024-01-01` stays a string.
_TEXT_TAGS = frozenset({f"{_TAG}str", f"{_TAG}timestamp"})
_TYPED_TAGS = frozenset({f"{_TAG}int", f"{_TAG}float", f"{_TAG}bool", f"{_TAG}null"})
_ALLOWED_TAGS = _TEXT_TAGS | _TYPED_TAGS | {f"{_TAG}seq", f"{_TAG}map"}


class _PlainDataLoader(yaml.SafeLoader):
    """Records anchors and aliases as problems instead of resolving them; limits nesting."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.problems: list[ManifestProblem] = []
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        # PyYAML's stubs leave the parser's event methods unannotated.
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, AliasEvent):
            self.get_event()  # type: ignore[no-untyped-call]
            self._refuse("aliases (*name) are not allowed; write the value out", event)
            # The stubs give events the C parser's marks too, nodes only the pure-Python ones.
            return yaml.ScalarNode(f"{_TAG}null", "", event.start_mark, event.end_mark)  # type: ignore[arg-type]
        if isinstance(event, NodeEvent) and event.anchor is not None:
            self._refuse("anchors (&name) are not allowed; write the value out", event)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, f"nested deeper than {MAX_DEPTH} levels", event.start_mark
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def _refuse(self, detail: str, event: Any) -> None:
        self.problems.append(ManifestProblem(detail, line=event.start_mark.line + 1))


def parse_document(text: str) -> Node:
    """The document's node tree, or `ValidationFailed` with the problems that stop parsing."""
    if len(text.encode("utf-8", errors="replace")) > MAX_DOCUMENT_BYTES:
        raise ValidationFailed([ManifestProblem("the file is larger than 64 KiB")])
    try:
        root, problems = _compose(text)
    except yaml.MarkedYAMLError as error:
        raise ValidationFailed([_syntax_problem(error)]) from None
    except yaml.YAMLError as error:  # a reader error: a character YAML does not allow
        raise ValidationFailed([_reader_problem(error, text)]) from None
    if problems:
        raise ValidationFailed(problems)
    return root if root is not None else Scalar(None, "", 1)


def _compose(text: str) -> tuple[Node | None, list[ManifestProblem]]:
    loader = _PlainDataLoader(text)
    try:
        root = loader.get_single_node()
        problems = loader.problems
        return (_convert(root, loader, problems) if root is not None else None), problems
    finally:
        loader.dispose()


def _convert(node: yaml.Node, loader: yaml.SafeLoader, problems: list[ManifestProblem]) -> Node:
    line = node.start_mark.line + 1
    if node.tag not in _ALLOWED_TAGS:
        problems.append(ManifestProblem(f'the tag "{node.tag}" is not allowed', line=line))
        return Scalar(None, "", line)
    if isinstance(node, yaml.MappingNode):
        entries = tuple(_entry(key, value, loader, problems) for key, value in node.value)
        return Mapping(entries, line)
    if isinstance(node, yaml.SequenceNode):
        return Sequence(tuple(_convert(item, loader, problems) for item in node.value), line)
    if node.tag in _TEXT_TAGS:
        return Scalar(node.value, node.value, line)
    return Scalar(loader.construct_object(node), node.value, line)


def _entry(
    key: yaml.Node, value: yaml.Node, loader: yaml.SafeLoader, problems: list[ManifestProblem]
) -> Entry:
    line = key.start_mark.line + 1
    if not isinstance(key, yaml.ScalarNode):
        detail = "a key must be plain text, not a list or mapping"
        problems.append(ManifestProblem(detail, line=line))
        return Entry("", line, _convert(value, loader, problems))
    return Entry(key.value, line, _convert(value, loader, problems))


def _syntax_problem(error: yaml.MarkedYAMLError) -> ManifestProblem:
    mark = error.problem_mark or error.context_mark
    # Only PyYAML's short descriptions: the full message quotes the document back.
    what = "; ".join(part for part in (error.context, error.problem) if part)
    line = mark.line + 1 if mark is not None else None
    return ManifestProblem(f"invalid YAML: {what or 'syntax error'}", line=line)


def _reader_problem(error: yaml.YAMLError, text: str) -> ManifestProblem:
    position = getattr(error, "position", None)
    line = text.count("\n", 0, position) + 1 if isinstance(position, int) else None
    detail = "invalid YAML: the file contains a character YAML does not allow"
    return ManifestProblem(detail, line=line)
