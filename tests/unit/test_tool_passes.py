"""Tickets and passes: signed, bound to one host, short-lived, a ticket spent only once."""

from __future__ import annotations

import uuid

from domain.gateway.passes import TICKET_TTL, ToolPasses, is_state
from tests.unit.fakes import FakeClock

USER, SESSION = uuid.uuid4(), uuid.uuid4()
STATE = "s" * 32


def passes(clock: FakeClock, key: bytes = b"k" * 32) -> ToolPasses:
    return ToolPasses(key, clock)


def test_a_ticket_redeemed_on_its_host_gives_a_pass_for_that_host_and_path() -> None:
    clock = FakeClock()
    issuer = passes(clock)
    ticket = issuer.ticket(USER, SESSION, "app.localhost", "/reports?week=3", STATE)
    found = issuer.redeem(ticket, "app.localhost", STATE)
    assert found is not None
    assert (found.user_id, found.session_id, found.host) == (USER, SESSION, "app.localhost")
    assert found.path == "/reports?week=3"
    assert found.expires_at == clock.now() + issuer.pass_ttl


def test_a_ticket_is_spent_once() -> None:
    issuer = passes(FakeClock())
    ticket = issuer.ticket(USER, SESSION, "app.localhost", "/", STATE)
    assert issuer.redeem(ticket, "app.localhost", STATE) is not None
    assert issuer.redeem(ticket, "app.localhost", STATE) is None


def test_a_ticket_for_one_host_opens_no_other() -> None:
    issuer = passes(FakeClock())
    ticket = issuer.ticket(USER, SESSION, "app.localhost", "/", STATE)
    assert issuer.redeem(ticket, "evil.localhost", STATE) is None


def test_an_old_ticket_is_refused() -> None:
    clock = FakeClock()
    issuer = passes(clock)
    ticket = issuer.ticket(USER, SESSION, "app.localhost", "/", STATE)
    clock.advance(seconds=TICKET_TTL.total_seconds() + 1)
    assert issuer.redeem(ticket, "app.localhost", STATE) is None


def test_a_pass_reads_back_on_its_host_until_it_expires() -> None:
    clock = FakeClock()
    issuer = passes(clock)
    found = issuer.redeem(
        issuer.ticket(USER, SESSION, "app.localhost", "/", STATE), "app.localhost", STATE
    )
    assert found is not None
    cookie = issuer.cookie(found)
    read = issuer.read(cookie, "app.localhost")
    assert read is not None and read.user_id == USER and read.session_id == SESSION
    assert issuer.read(cookie, "other.localhost") is None
    clock.advance(seconds=issuer.pass_ttl.total_seconds() + 1)
    assert issuer.read(cookie, "app.localhost") is None


def test_a_ticket_is_no_pass_and_a_pass_no_ticket() -> None:
    issuer = passes(FakeClock())
    ticket = issuer.ticket(USER, SESSION, "app.localhost", "/", STATE)
    assert issuer.read(ticket, "app.localhost") is None
    found = issuer.redeem(ticket, "app.localhost", STATE)
    assert found is not None
    assert issuer.redeem(issuer.cookie(found), "app.localhost", STATE) is None


def test_values_signed_with_another_key_or_altered_are_refused() -> None:
    clock = FakeClock()
    ours, theirs = passes(clock), passes(clock, b"x" * 32)
    ticket = theirs.ticket(USER, SESSION, "app.localhost", "/", STATE)
    assert ours.redeem(ticket, "app.localhost", STATE) is None
    genuine = ours.ticket(USER, SESSION, "app.localhost", "/", STATE)
    payload, mac = genuine.split(".")
    assert ours.redeem(payload[:-2] + "AA." + mac, "app.localhost", STATE) is None
    for garbage in ("", ".", "a.b.c", "x" * 5000, "%%%.abc"):
        assert ours.read(garbage, "app.localhost") is None


def test_a_ticket_is_redeemed_only_by_the_browser_that_started_the_sign_in() -> None:
    """A ticket is bound to the sign-in's state, a cookie of the browser that was sent to sign
    in: someone else's ticket opened in this browser (a link, login CSRF) signs nobody in."""
    issuer = passes(FakeClock())
    state = issuer.new_state()
    ticket = issuer.ticket(USER, SESSION, "app.localhost", "/", state)
    assert issuer.redeem(ticket, "app.localhost", None) is None
    assert issuer.redeem(ticket, "app.localhost", issuer.new_state()) is None
    # A refusal spends nothing: the browser that holds the state still signs in.
    assert issuer.redeem(ticket, "app.localhost", state) is not None


def test_a_sign_in_state_is_long_random_and_url_safe() -> None:
    issuer = passes(FakeClock())
    states = {issuer.new_state() for _ in range(100)}
    assert len(states) == 100
    assert all(is_state(state) and len(state) >= 32 for state in states)
    assert not is_state("short") and not is_state("x" * 40 + ";") and not is_state("")
