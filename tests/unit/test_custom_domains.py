"""Custom domains are normalized and checked before anything is stored."""

from __future__ import annotations

import pytest

from domain.errors import ErrorCode, ValidationFailed
from domain.tools.custom_domains import MAX_DOMAINS_PER_TOOL, normalized_domains


def problems(domains: list[str], base: str = "localhost") -> list[tuple[tuple[str, ...], str]]:
    with pytest.raises(ValidationFailed) as caught:
        normalized_domains(domains, base)
    assert {p.code for p in caught.value.problems} == {ErrorCode.INVALID_INPUT}
    return [(p.field, p.message) for p in caught.value.problems]


def test_domains_are_trimmed_lowercased_without_the_final_dot_each_once_and_sorted() -> None:
    given = ["  Tools.Example.COM. ", "b.example.org", "tools.example.com", "xn--bcher-kva.example"]
    assert normalized_domains(given, "localhost") == (
        "b.example.org",
        "tools.example.com",
        "xn--bcher-kva.example",
    )


def test_no_domains_is_a_valid_answer() -> None:
    assert normalized_domains([], "localhost") == ()


@pytest.mark.parametrize(
    ("domain", "reason"),
    [
        ("", "A domain cannot be empty."),
        ("   ", "A domain cannot be empty."),
        ("*.example.com", "Wildcard domains are not supported; add each name."),
        ("example.com:8080", "Give a host name only, without a scheme, port or path."),
        ("https://example.com", "Give a host name only, without a scheme, port or path."),
        ("example.com/path", "Give a host name only, without a scheme, port or path."),
        ("[::1]", "Give a host name only, without a scheme, port or path."),
        ("intranet", "A domain needs at least one dot (tools.example.com)."),
        ("127.0.0.1", "IP addresses are not domains."),
        ("127.1", "IP addresses are not domains."),
        ("bad_name.example.com", "Each part"),
        ("-dash.example.com", "Each part"),
        ("dash-.example.com", "Each part"),
        ("two..dots.example.com", "Each part"),
        ("bücher.example", "Each part"),
        ("space in.example.com", "Each part"),
        (f"{'a' * 64}.example.com", "Each part"),
        (".".join(["a" * 63] * 4) + ".com", "A domain has at most 253 characters."),
    ],
)
def test_a_name_that_is_no_host_name_is_refused_saying_why(domain: str, reason: str) -> None:
    [(field, message)] = problems(["fine.example.com", domain])
    assert field == ("domains", "1")
    assert reason in message


def test_the_refusal_quotes_the_domain_as_given() -> None:
    assert problems(["Bad_Name.example.com "]) == [
        (
            ("domains", "0"),
            "'Bad_Name.example.com': Each part of a domain has 1 to 63 letters, digits or"
            " inner dashes (write international names in their xn-- form).",
        )
    ]


@pytest.mark.parametrize(
    "domain", ["localhost", "wiki.localhost", "a.b.localhost", "WIKI.Localhost."]
)
def test_the_base_domain_and_names_under_it_belong_to_the_tools_own_names(domain: str) -> None:
    [(_, message)] = problems([domain])
    assert "Names under localhost are the tools' own names" in message


def test_names_under_a_custom_base_domain_are_refused_but_its_lookalikes_are_not() -> None:
    base = "tools.example.com"
    assert problems(["wiki.tools.example.com"], base)[0][1].endswith("choose another domain.")
    assert normalized_domains(["mytools.example.com", "example.com"], base) == (
        "example.com",
        "mytools.example.com",
    )


def test_every_bad_domain_is_reported_at_once_by_its_position() -> None:
    fields = [field for field, _ in problems(["ok.example.com", "*.x.com", "x", "1.2.3.4"])]
    assert fields == [("domains", "1"), ("domains", "2"), ("domains", "3")]


def test_a_tool_has_at_most_twenty_domains_counted_after_duplicates_go() -> None:
    many = [f"d{i}.example.com" for i in range(MAX_DOMAINS_PER_TOOL)]
    assert len(normalized_domains([*many, *(d.upper() for d in many)], "localhost")) == 20
    assert problems([*many, "one-more.example.com"]) == [
        (("domains",), "A tool may have at most 20 custom domains.")
    ]
