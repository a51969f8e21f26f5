"""Both event buses keep one contract; the PostgreSQL one also crosses processes and outages.

PostgreSQL buses listen in a scratch database of their own: NOTIFY channels are per database,
so other test runs sharing the server never hear these events, nor these tests theirs.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import asyncpg
import pytest

from domain.builds.model import Build, BuildTrigger, LogLine, LogStream
from domain.errors import FeedClosed, FeedLagged
from domain.events import (
    ALL_TOOLS,
    AccountChanged,
    BuildChanged,
    BuildLogAppended,
    BuildQueued,
    Event,
    FeedResumed,
    SessionEnded,
    ToolChanged,
    build_topic,
    tool_topic,
)
from domain.tools.model import Tool
from infra.db.engine import create_engine, create_session_factory
from infra.db.migrate import upgrade_to_head_async
from infra.db.unit_of_work import SqlAlchemyUnitOfWork
from infra.events import codec
from infra.events import listener as listener_module
from infra.events import sender as sender_module
from infra.events.choice import LiveEventBus
from infra.events.fan_out import LocalFanOut
from infra.events.in_process import InProcessEventBus
from infra.events.postgres import CHANNEL, PostgresEventBus, connect_arguments
from infra.events.sender import NotifySender
from tests.integration.event_bus_support import (
    HANG_GUARD_SECONDS,
    cutting_proxy,
    next_event,
    raw_listener,
    silent_postgres_url,
    silent_server,
)
from tests.services import create_postgres_database, drop_postgres_database, unavailable

CAPACITY = 8
NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
BusFactory = Callable[..., Awaitable[LiveEventBus]]
PostgresBusFactory = Callable[..., Awaitable[PostgresEventBus]]


def announces_log_lines(payload: str) -> bool:
    return any(isinstance(event, BuildLogAppended) for event in codec.decode(payload).events)


def a_tool(name: str, host_port: int) -> Tool:
    repo_url = f"https://example.invalid/{name}.git"
    return Tool.install(
        name=name,
        repo_url=repo_url,
        ref=None,
        subdir=None,
        host_port=host_port,
        environment={},
        created_by_id=None,
        now=NOW,
    )


@pytest.fixture(scope="module")
async def postgres_url() -> AsyncIterator[str]:
    try:
        url = await create_postgres_database("machete_bus")
    except (OSError, asyncpg.PostgresError) as error:
        unavailable(f"PostgreSQL ({error})")
        raise
    await upgrade_to_head_async(url)
    yield url
    await drop_postgres_database(url)


@pytest.fixture
async def postgres_buses(postgres_url: str) -> AsyncIterator[PostgresBusFactory]:
    """Started PostgreSQL buses, each standing for one process; all closed afterwards."""
    started: list[PostgresEventBus] = []

    async def start(capacity: int = CAPACITY) -> PostgresEventBus:
        bus = PostgresEventBus(postgres_url, capacity)
        started.append(bus)
        await bus.start()
        return bus

    yield start
    for bus in started:
        await bus.close()


@pytest.fixture
async def in_process_buses() -> AsyncIterator[BusFactory]:
    started: list[InProcessEventBus] = []

    async def start(capacity: int = CAPACITY) -> InProcessEventBus:
        bus = InProcessEventBus(capacity)
        started.append(bus)
        await bus.start()
        return bus

    yield start
    for bus in started:
        await bus.close()


@pytest.fixture(params=["in-process", "postgres"])
def buses(request: pytest.FixtureRequest) -> BusFactory:
    """Each contract test runs once per adapter; only the PostgreSQL run needs PostgreSQL."""
    return request.getfixturevalue(f"{request.param.replace('-', '_')}_buses")


@pytest.fixture
async def bus(buses: BusFactory) -> LiveEventBus:
    return await buses()


async def test_a_subscriber_receives_a_published_event(bus: LiveEventBus) -> None:
    tool = uuid.uuid4()
    with bus.subscribe([tool_topic(tool)]) as feed:
        bus.publish([ToolChanged(tool)])
        assert await next_event(feed) == ToolChanged(tool)


async def test_every_kind_of_event_arrives_intact_and_in_order(bus: LiveEventBus) -> None:
    some = uuid.uuid4
    published: list[Event] = [
        BuildLogAppended(some(), 12),
        BuildChanged(some()),
        BuildQueued(some()),
        ToolChanged(some()),
        AccountChanged(some()),
        SessionEnded(some()),
        FeedResumed(),  # no topics: it reaches every subscriber
    ]
    topics = sorted({topic for event in published for topic in event.topics})
    with bus.subscribe(topics) as feed:
        bus.publish(published)
        assert [await next_event(feed) for _ in published] == published


async def test_a_subscriber_hears_only_the_topics_it_asked_for(bus: LiveEventBus) -> None:
    mine, other = uuid.uuid4(), uuid.uuid4()
    with bus.subscribe([tool_topic(mine)]) as feed, bus.subscribe([ALL_TOOLS]) as everything:
        bus.publish([ToolChanged(other), ToolChanged(mine)])
        # The other tool's event came first; the feed skipped it.
        assert await next_event(feed) == ToolChanged(mine)
        assert await next_event(everything) == ToolChanged(other)
        assert await next_event(everything) == ToolChanged(mine)


async def test_a_subscriber_that_never_reads_is_dropped_while_another_gets_everything(
    bus: LiveEventBus,
) -> None:
    build = uuid.uuid4()
    published = [BuildLogAppended(build, seq) for seq in range(1, CAPACITY + 2)]
    stalled = bus.subscribe([build_topic(build)])
    with bus.subscribe([build_topic(build)]) as reader:
        for event in published:  # the reader keeps up; the stalled feed never reads
            bus.publish([event])
            assert await next_event(reader) == event
        assert bus.registrations == 1
        assert stalled.drain() == published[:CAPACITY]
        with pytest.raises(FeedLagged):
            await next_event(stalled)


async def test_closing_the_bus_ends_every_subscription_with_feed_closed(
    bus: LiveEventBus,
) -> None:
    first, second = bus.subscribe([ALL_TOOLS]), bus.subscribe([tool_topic(uuid.uuid4())])
    assert bus.registrations == 2
    await bus.close()
    for feed in (first, second):
        with pytest.raises(FeedClosed):
            await next_event(feed)
    assert bus.registrations == 0


async def test_two_processes_each_receive_the_events_of_the_other(
    postgres_buses: PostgresBusFactory,
) -> None:
    api, worker = await postgres_buses(), await postgres_buses()
    tool = uuid.uuid4()
    with api.subscribe([ALL_TOOLS]) as api_feed, worker.subscribe([ALL_TOOLS]) as worker_feed:
        api.publish([ToolChanged(tool)])
        assert await next_event(worker_feed) == ToolChanged(tool)
        assert await next_event(api_feed) == ToolChanged(tool)  # its own, through LISTEN too
        worker.publish([ToolChanged(tool)])
        assert await next_event(api_feed) == ToolChanged(tool)


async def test_many_events_at_once_are_split_below_the_notify_limit_and_arrive_in_order(
    postgres_buses: PostgresBusFactory, postgres_url: str
) -> None:
    bus = await postgres_buses(capacity=1000)
    published = [ToolChanged(uuid.uuid4()) for _ in range(600)]
    async with raw_listener(postgres_url) as payloads:
        with bus.subscribe([ALL_TOOLS]) as feed:
            bus.publish(published)
            assert [await next_event(feed) for _ in published] == published
        # The feed has every event, so the payloads are sent; this listener may still be reading.
        heard = [await payloads.next(), await payloads.next(), *payloads.drain()]
    assert all(len(payload.encode()) < 8000 for payload in heard)


async def test_the_bus_ignores_a_payload_it_does_not_understand_without_logging_it(
    postgres_buses: PostgresBusFactory, postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    bus = await postgres_buses()
    tool = uuid.uuid4()
    outsider = await asyncpg.connect(**connect_arguments(postgres_url))
    try:
        with caplog.at_level(logging.WARNING), bus.subscribe([tool_topic(tool)]) as feed:
            await outsider.execute("SELECT pg_notify($1, $2)", CHANNEL, "hunter2-not-json")
            await outsider.execute(
                "SELECT pg_notify($1, $2)", CHANNEL, '{"v":1,"e":[["?","hunter2"]]}'
            )
            bus.publish([ToolChanged(tool)])
            assert await next_event(feed) == ToolChanged(tool)
    finally:
        await outsider.close()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len([w for w in warnings if "unknown event" in w]) == 2
    assert "hunter2" not in caplog.text


async def test_after_the_listen_connection_is_killed_feeds_resume_and_events_still_arrive(
    postgres_buses: PostgresBusFactory, postgres_url: str
) -> None:
    bus = await postgres_buses()
    killed = bus.listener_pid
    tool = uuid.uuid4()
    with bus.subscribe([tool_topic(tool)]) as feed, bus.subscribe([ALL_TOOLS]) as other:
        admin = await asyncpg.connect(**connect_arguments(postgres_url))
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", killed)
        finally:
            await admin.close()
        assert await next_event(feed) == FeedResumed()
        assert await next_event(other) == FeedResumed()
        assert bus.listener_pid not in (None, killed)
        bus.publish([ToolChanged(tool)])
        assert await next_event(feed) == ToolChanged(tool)


async def test_close_leaves_no_task_behind(postgres_buses: PostgresBusFactory) -> None:
    before = asyncio.all_tasks()
    bus = await postgres_buses()
    bus.publish([ToolChanged(uuid.uuid4())])
    await bus.close()
    assert asyncio.all_tasks() - before == set()
    assert bus.listener_pid is None


async def test_an_event_of_a_rolled_back_unit_of_work_never_leaves_and_a_committed_one_does(
    postgres_buses: PostgresBusFactory, postgres_url: str
) -> None:
    bus = await postgres_buses()
    engine = create_engine(postgres_url)
    sessions = create_session_factory(engine)
    abandoned, kept = a_tool("rolled-back", 23458), a_tool("committed", 23459)
    try:
        with bus.subscribe([ALL_TOOLS]) as feed:
            async with SqlAlchemyUnitOfWork(sessions, events=bus) as work:
                await work.tools.add(abandoned)  # no commit: rolled back on exit
            async with SqlAlchemyUnitOfWork(sessions, events=bus) as work:
                await work.tools.add(kept)
                await work.commit()
            # Had the rolled-back event left, it would have arrived first.
            assert await next_event(feed) == ToolChanged(kept.id)
    finally:
        await engine.dispose()


async def test_the_notify_payload_of_appended_log_lines_holds_no_log_text(
    postgres_buses: PostgresBusFactory, postgres_url: str
) -> None:
    bus = await postgres_buses()
    engine = create_engine(postgres_url)
    sessions = create_session_factory(engine)
    tool = a_tool("quiet", 23457)
    build = Build.queue(tool.id, 1, BuildTrigger.INSTALL, None, NOW)
    secret_line = "export TOKEN=s3cr3t-build-output"
    try:
        async with raw_listener(postgres_url) as heard:
            async with SqlAlchemyUnitOfWork(sessions, events=bus) as work:
                await work.tools.add(tool)
                await work.builds.add(build)
                await work.commit()
            async with SqlAlchemyUnitOfWork(sessions, events=bus) as work:
                lines = [LogLine(seq, LogStream.STDOUT, NOW, secret_line) for seq in (1, 2)]
                await work.build_logs.append(build.id, lines)
                work.record(BuildLogAppended(build.id, lines[-1].seq))  # as the pipeline does
                await work.commit()
            # The first commit's news (the tool, the queued build) may still be on its way.
            payload = await heard.next_matching(announces_log_lines)
    finally:
        await engine.dispose()
    assert "s3cr3t" not in payload and "TOKEN" not in payload
    assert codec.decode(payload).events == [BuildLogAppended(build.id, 2)]
    assert len(payload) < 80  # a kind, an id and a sequence number


# --- sending in the background ---------------------------------------------------------------


async def test_close_sends_what_is_still_queued(
    postgres_buses: PostgresBusFactory, postgres_url: str
) -> None:
    bus = await postgres_buses()
    tool = uuid.uuid4()
    async with raw_listener(postgres_url) as heard:
        bus.publish([ToolChanged(tool)])
        await bus.close()
        payload = await heard.next()
    assert codec.decode(payload).events == [ToolChanged(tool)]


async def test_a_send_on_a_connection_that_died_unnoticed_is_retried_on_a_new_one(
    postgres_buses: PostgresBusFactory, postgres_url: str
) -> None:
    bus = await postgres_buses()  # listens directly; only the sender goes through the proxy
    local = LocalFanOut()
    first, second = ToolChanged(uuid.uuid4()), ToolChanged(uuid.uuid4())
    with bus.subscribe([ALL_TOOLS]) as feed, local.subscribe([ALL_TOOLS]) as undelivered:
        async with cutting_proxy(postgres_url) as (proxy, proxied_url):
            sender = NotifySender(connect_arguments(proxied_url), CHANNEL, local.deliver)
            try:
                sender.enqueue([first])
                assert await next_event(feed) == first  # the sender is connected now
                proxy.cut_every_connection()
                sender.enqueue([second])
                assert await next_event(feed) == second
            finally:
                await sender.close()
        assert proxy.connections == 2, "sent again on a new connection"
        assert undelivered.drain() == [], "never fell back to delivering only locally"


async def test_publishing_to_a_database_that_never_answers_still_reaches_this_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sender_module, "SEND_TIMEOUT_SECONDS", 0.2)
    before = asyncio.all_tasks()
    tool = uuid.uuid4()
    with silent_server() as server:
        bus = PostgresEventBus(silent_postgres_url(server), CAPACITY)
        with bus.subscribe([ALL_TOOLS]) as feed:
            bus.publish([ToolChanged(tool)])  # returns at once: a task sends
            assert await next_event(feed) == ToolChanged(tool)
        await bus.close()
    assert asyncio.all_tasks() - before == set()


async def test_listening_on_a_database_that_never_answers_fails_instead_of_hanging(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(listener_module, "LISTEN_TIMEOUT_SECONDS", 0.2)
    with silent_server() as server:
        bus = PostgresEventBus(silent_postgres_url(server), CAPACITY)
        try:
            async with asyncio.timeout(HANG_GUARD_SECONDS):
                with pytest.raises(TimeoutError):
                    await bus.start()
        finally:
            await bus.close()
    assert server.connected.is_set()


async def test_a_commit_returns_while_its_notify_is_still_waiting_for_the_database(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sender_module, "SEND_TIMEOUT_SECONDS", HANG_GUARD_SECONDS)
    monkeypatch.setattr(sender_module, "FLUSH_TIMEOUT_SECONDS", 0.1)
    engine = create_engine(postgres_url)
    tool = a_tool("unannounced", 23460)
    try:
        with silent_server() as server:
            bus = PostgresEventBus(silent_postgres_url(server), CAPACITY)
            with bus.subscribe([ALL_TOOLS]) as feed:
                async with SqlAlchemyUnitOfWork(create_session_factory(engine), events=bus) as work:
                    await work.tools.add(tool)
                    await work.commit()
                assert feed.drain() == [], "the send still waits; the commit did not"
            await bus.close()  # gives up on the send after its bounded flush
    finally:
        await engine.dispose()


async def test_a_backlog_past_the_limit_is_replaced_by_one_resume_for_everyone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sender_module, "SEND_TIMEOUT_SECONDS", 0.5)
    local = LocalFanOut()
    first = ToolChanged(uuid.uuid4())
    with silent_server() as server, local.subscribe([ALL_TOOLS]) as feed:
        arguments = connect_arguments(silent_postgres_url(server))
        sender = NotifySender(arguments, CHANNEL, local.deliver, limit=10)
        sender.enqueue([first])
        await asyncio.sleep(0)  # the task takes it and starts connecting
        for _ in range(30):  # while it waits, more news than the limit allows
            sender.enqueue([ToolChanged(uuid.uuid4())])
        # Nothing could be sent, so it was delivered here: the first event, then one resume
        # in place of the backlog, then what came after the backlog was replaced.
        assert [await next_event(feed), await next_event(feed)] == [first, FeedResumed()]
        await sender.close()
    assert len(feed.drain()) < 10
