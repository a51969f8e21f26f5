"""Tickets and passes: signed, bound to one host, short-lived, a ticket spent only once."""

from __future__ import annotations

import uuid

from domain.gateway.passes import TICKET_TTL, ToolPasses
from tests.unit.fakes import FakeClock

USER, SESSION = uuid.uuid4(), uuid.uuid4()


def passes(clock: FakeClock, key: bytes = b"k" * 32) -> ToolPasses:
    return ToolPasses(key, clock)


def test_a_ticket_redeemed_on_its_host_gives_a_pass_for_that_host_and_path() -> None:
    clock = FakeClock()
    issuer = passes(clock)
    ticket = issuer.ticket(USER, SESSION, "app.localhost", "/reports?week=3")
    found = issuer.redeem(ticket, "app.localhost")
    assert found is not None
    assert (found.user_id, found.session_id, found.host) == (USER, SESSION, "app.localhost")
    assert found.path == "/reports?week=3"
    assert found.expires_at == clock.now() + issuer.pass_ttl


def test_a_ticket_is_spent_once() -> None:
    issuer = passes(FakeClock())
    ticket = issuer.ticket(USER, SESSION, "app.localhost", "/")
    assert issuer.redeem(ticket, "app.localhost") is not None
    assert issuer.redeem(ticket, "app.localhost") is None


def test_a_ticket_for_one_host_opens_no_other() -> None:
    issuer = passes(FakeClock())
    ticket = issuer.ticket(USER, SESSION, "app.localhost", "/")
    assert issuer.redeem(ticket, "evil.localhost") is None


def test_an_old_ticket_is_refused() -> None:
    clock = FakeClock()
    issuer = passes(clock)
    ticket = issuer.ticket(USER, SESSION, "app.localhost", "/")
    clock.advance(seconds=TICKET_TTL.total_seconds() + 1)
    assert issuer.redeem(ticket, "app.localhost") is None


def test_a_pass_reads_back_on_its_host_until_it_expires() -> None:
    clock = FakeClock()
    issuer = passes(clock)
    found = issuer.redeem(issuer.ticket(USER, SESSION, "app.localhost", "/"), "app.localhost")
    assert found is not None
    cookie = issuer.cookie(found)
    read = issuer.read(cookie, "app.localhost")
    assert read is not None and read.user_id == USER and read.session_id == SESSION
    assert issuer.read(cookie, "other.localhost") is None
    clock.advance(seconds=issuer.pass_ttl.total_seconds() + 1)
    assert issuer.read(cookie, "app.localhost") is None


def test_a_ticket_is_no_pass_and_a_pass_no_ticket() -> None:
    issuer = passes(FakeClock())
    ticket = issuer.ticket(USER, SESSION, "app.localhost", "/")
    assert issuer.read(ticket, "app.localhost") is None
    found = issuer.redeem(ticket, "app.localhost")
    assert found is not None
    assert issuer.redeem(issuer.cookie(found), "app.localhost") is None


def test_values_signed_with_another_key_or_altered_are_refused() -> None:
    clock = FakeClock()
    ours, theirs = passes(clock), passes(clock, b"x" * 32)
    ticket = theirs.ticket(USER, SESSION, "app.localhost", "/")
    assert ours.redeem(ticket, "app.localhost") is None
    genuine = ours.ticket(USER, SESSION, "app.localhost", "/")
    payload, mac = genuine.split(".")
    assert ours.redeem(payload[:-2] + "AA." + mac, "app.localhost") is None
    for garbage in ("", ".", "a.b.c", "x" * 5000, "%%%.abc"):
        assert ours.read(garbage, "app.localhost") is None
