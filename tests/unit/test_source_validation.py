"""Where a tool may be installed from: every input checked before any I/O."""

from __future__ import annotations

import pytest

from domain.checkouts import SourceSpec
from domain.errors import ErrorCode, ValidationFailed
from domain.tools.source import display_url, validate_source

GOOD_URL = "https://git.example.com/team/tool.git"


def problems_of(
    repo_url: str = GOOD_URL,
    ref: str | None = None,
    subdir: str | None = None,
    *,
    allow_local: bool = False,
) -> list[tuple[ErrorCode, tuple[str, ...], str]]:
    with pytest.raises(ValidationFailed) as raised:
        validate_source(repo_url, ref, subdir, allow_local=allow_local)
    return [(p.code, p.field, p.message) for p in raised.value.problems]


def url_codes(repo_url: str, *, allow_local: bool = False) -> list[ErrorCode]:
    return [code for code, _, _ in problems_of(repo_url, allow_local=allow_local)]


@pytest.mark.parametrize(
    "url",
    [
        GOOD_URL,
        "https://user:token@git.example.com/team/tool.git",
        "https://127.0.0.1:8443/team/tool.git",
        "https://[::1]:8443/tool.git",
        "ssh://git@git.example.com/team/tool.git",
        "ssh://git@git.example.com:2222/~team/tool.git",
        "git@git.example.com:team/tool.git",
    ],
)
def test_https_ssh_and_scp_style_urls_are_accepted(url: str) -> None:
    assert validate_source(url, None, None, allow_local=False) == SourceSpec(repo_url=url)


def test_an_scp_style_url_keeps_its_form_in_the_spec() -> None:
    spec = validate_source("deploy@host.example:tools/x.git", "main", None, allow_local=False)
    assert spec == SourceSpec("deploy@host.example:tools/x.git", "main", None)


@pytest.mark.parametrize(
    "url",
    [
        "ext::sh -c touch% /tmp/pwned",
        "ext::sh",
        "fd::17",
        "http://git.example.com/team/tool.git",
        "git://git.example.com/team/tool.git",
        "ftp://git.example.com/team/tool.git",
        "HTTPS://git.example.com/team/tool.git",
        "--upload-pack=touch /tmp/pwned",
        "-oProxyCommand=x",
        "ssh://-oProxyCommand=touch%20x/tool.git",
        "ssh://-oProxyCommand=x",
        "ssh://-user@git.example.com/tool.git",
        "ssh://git.example.com/-tool.git",
        "git@git.example.com:-tool.git",
        "https://git.example.com/team tool.git",
        "https://git.example.com/team\ttool.git",
        "https://git.example.com/team\x00tool.git",
        "https://git.example.com/team\ntool.git",
        " https://git.example.com/team/tool.git",
        "https://git.example.com",
        "https://git.example.com:99999/tool.git",
        "https://user:pa/ss@git.example.com/tool.git",
        "not a url",
        "",
    ],
)
def test_unsafe_or_unsupported_urls_are_refused(url: str) -> None:
    assert url_codes(url, allow_local=True) == [ErrorCode.INVALID_REPO_URL]


def test_an_ext_transport_gets_a_message_about_transport_helpers() -> None:
    [(_, field, message)] = problems_of("ext::sh -c touch% /tmp/pwned")
    assert field == ("repo_url",)
    assert "ext::" in message


def test_an_overlong_url_is_refused() -> None:
    url = "https://git.example.com/" + "a" * 2030
    assert len(url) > 2048
    assert url_codes(url) == [ErrorCode.INVALID_REPO_URL]
    assert validate_source(url[:2048], None, None, allow_local=False).repo_url == url[:2048]


@pytest.mark.parametrize("url", ["file:///srv/git/tool.git", "/srv/git/tool.git"])
def test_local_repositories_are_refused_unless_the_admin_allows_them(url: str) -> None:
    [(code, field, message)] = problems_of(url, allow_local=False)
    assert (code, field) == (ErrorCode.INVALID_REPO_URL, ("repo_url",))
    assert "MACHETE_ALLOW_LOCAL_REPOS" in message
    assert "disabled" in message
    assert validate_source(url, None, None, allow_local=True).repo_url == url


def test_a_file_url_with_a_host_instead_of_a_path_is_refused_even_when_local_is_allowed() -> None:
    assert url_codes("file://server/share/tool.git", allow_local=True) == [
        ErrorCode.INVALID_REPO_URL
    ]


@pytest.mark.parametrize(
    "ref", ["main", "feature/new-ui", "v1.2.3", "release-2024.01", "a" * 255, "abc1234"]
)
def test_branch_and_tag_names_are_accepted_as_given(ref: str) -> None:
    assert validate_source(GOOD_URL, ref, None, allow_local=False).ref == ref


@pytest.mark.parametrize("ref", [None, ""])
def test_no_ref_means_the_default_branch(ref: str | None) -> None:
    assert validate_source(GOOD_URL, ref, None, allow_local=False).ref is None


@pytest.mark.parametrize("sha", ["A" * 40, "0123456789abcdef" * 4])
def test_a_full_commit_sha_is_accepted_and_lowercased(sha: str) -> None:
    assert validate_source(GOOD_URL, sha, None, allow_local=False).ref == sha.lower()


@pytest.mark.parametrize(
    "ref",
    [
        "-main",
        "--upload-pack=touch /tmp/pwned",
        "a..b",
        "main@{1}",
        "@",
        "with space",
        "tab\there",
        "nul\x00",
        "del\x7f",
        "tilde~1",
        "caret^",
        "colon:x",
        "question?",
        "star*",
        "bracket[",
        "back\\slash",
        "/leading",
        "trailing/",
        "double//slash",
        ".hidden",
        "dir/.hidden",
        "branch.lock",
        "dir/branch.lock/x",
        "ends.",
        "a" * 256,
    ],
)
def test_refs_breaking_git_check_ref_format_rules_are_refused(ref: str) -> None:
    [(code, field, _)] = problems_of(ref=ref)
    assert (code, field) == (ErrorCode.INVALID_REF, ("ref",))


@pytest.mark.parametrize(
    ("subdir", "normalized"),
    [("tools/hello", "tools/hello"), ("./tools//hello/", "tools/hello"), (".", None), ("", None)],
)
def test_a_relative_subdir_is_accepted_and_normalized(subdir: str, normalized: str | None) -> None:
    assert validate_source(GOOD_URL, None, subdir, allow_local=False).subdir == normalized


@pytest.mark.parametrize(
    "subdir", ["/etc", "../outside", "tools/../../outside", "a/..", "nul\x00", "a\\b", "x" * 256]
)
def test_absolute_escaping_or_odd_subdirs_are_refused(subdir: str) -> None:
    [(code, field, _)] = problems_of(subdir=subdir)
    assert (code, field) == (ErrorCode.INVALID_SUBDIR, ("subdir",))


def test_every_problem_is_reported_at_once() -> None:
    problems = problems_of("http://git.example.com/tool.git", "-x", "../up")
    assert [(code, field) for code, field, _ in problems] == [
        (ErrorCode.INVALID_REPO_URL, ("repo_url",)),
        (ErrorCode.INVALID_REF, ("ref",)),
        (ErrorCode.INVALID_SUBDIR, ("subdir",)),
    ]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:s3cret@git.example.com/x.git", "https://git.example.com/x.git"),
        ("https://ghp_tokenvalue@git.example.com/x.git", "https://git.example.com/x.git"),
        ("https://user:p%40ss@git.example.com:8443/x", "https://git.example.com:8443/x"),
        ("ssh://git:s3cret@git.example.com/x.git", "ssh://git.example.com/x.git"),
        ("ssh://git@git.example.com/x.git", "ssh://git@git.example.com/x.git"),
        ("git@git.example.com:team/x.git", "git@git.example.com:team/x.git"),
        ("https://git.example.com/x.git", "https://git.example.com/x.git"),
        ("file:///srv/x.git", "file:///srv/x.git"),
    ],
)
def test_display_url_drops_passwords_and_tokens_but_keeps_ssh_users(url: str, shown: str) -> None:
    assert display_url(url) == shown


def test_a_refused_url_with_a_password_does_not_echo_the_password() -> None:
    [(_, _, message)] = problems_of("http://user:s3cret@git.example.com/x.git")
    assert "s3cret" not in message
