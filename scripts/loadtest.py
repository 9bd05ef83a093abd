"""Load test: simulated trainees practising over Socket.IO, through nginx, against the production profile.

Each simulated trainee GETs ``/`` for its sticky-session cookie, connects to ``/socket.io/`` with that cookie,
asks for a session, starts a scenario (``/start{"scenario": ...}``) and then sends realistic trainee messages
(listening moves, directive ones the coach flags, a repair now and then), each with its own ``message_id``,
waiting for the peer's reply to one before sending the next. A message not answered within the timeout is
sent again with the same ``message_id`` (on a fresh connection with the same session id when the old one
dropped). Optionally a Rasa replica is stopped (SIGTERM or SIGKILL) part way through and started again.

Afterwards it checks, per trainee, what came back (exactly one peer reply per message id, read from the
``reply_to`` tags) and what the tracker store holds (each message id exactly once, in order, with the peer's
``peer_state`` turn counter counting on), and prints and writes the figures (errors, retries, reconnects,
p50/p95 reply latency, per-replica split) to a JSON summary.

The wire is the project's Socket.IO channel (``channels/practice_socketio.py``): every bot message answering
a message that carried a ``message_id`` (in ``customData``) has ``reply_to``; a repeated id is not processed
again, its recorded replies are re-sent; the tracker's user event stores the id as its ``message_id``.

Runs in Rasa's environment (``.venv``: python-socketio's asyncio client, aiohttp, psycopg2), against the
cluster ``scripts/cluster`` runs (its address, replicas and database from ``scripts/cluster env``)::

    .venv/bin/python scripts/loadtest.py                      # load, single, term, kill in turn
    .venv/bin/python scripts/loadtest.py --plan load,single   # latency under load and alone (make bench-load)
    .venv/bin/python scripts/loadtest.py kill-replica 1       # SIGKILL Rasa replica 1, as the kill run does

``make load-test`` runs it through ``tests/load``; docs/deploying.md describes the runs and the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import shlex
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ruamel.yaml import YAML

if TYPE_CHECKING:  # the client's libraries live in .venv; the checks also import in .venv-actions
    import aiohttp
    import socketio

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS_DIR = ROOT / "data" / "scenarios"
DEFAULT_SUMMARY = ROOT / "results" / "load" / "summary.json"
CLUSTER = ROOT / "scripts" / "cluster"
RUN_DIR = ROOT / ".run" / "cluster"

ROUTE_COOKIE = "practice_route"
REPLICA_HEADER = "X-Practice-Replica"
#: Engine.IO transports per --transport choice (None: polling first, then the upgrade to websocket).
TRANSPORTS: dict[str, list[str] | None] = {
    "upgrade": None, "polling": ["polling"], "websocket": ["websocket"]}
#: Runs a plan can name: all replicas up; replica stopped with SIGTERM / SIGKILL part way; one trainee alone.
RUN_KINDS = ("load", "single", "term", "kill")

# ---------------------------------------------------------------------------------------------------------
# What the trainees say
# ---------------------------------------------------------------------------------------------------------

#: Listening moves that fit every peer (open questions, reflections, validation, affirmation, autonomy,
#: summaries). None reads as a command (end, help, feedback, goodbye) to the NLU model.
LISTENING: tuple[str, ...] = (
    "What's been going on for you?",
    "It sounds like there's a lot going on.",
    "What's that been like for you?",
    "It sounds like you've been carrying a lot.",
    "Tell me more about that.",
    "It sounds like that's weighed on you for a while.",
    "How has that been for you?",
    "It sounds like it's been really hard.",
    "That makes sense, given everything you've been through.",
    "It took real courage to talk about this.",
    "What matters most to you in all of this?",
    "Part of you wants things to change, and part of you is worn out.",
    "You know your own life best.",
    "What would you like to happen next?",
    "How are you feeling about it right now?",
    "What's the hardest part?",
    "So there's the worry, the tiredness, and feeling on your own with it.",
    "It's your call, whatever you decide.",
    "What do you make of it yourself?",
    "You've kept going through all of this.",
    "Would it be ok if I shared something that helped me?",
)
#: Directive messages; the coach flags every one of them (advising, ordering, minimizing, judging).
DIRECTIVE: tuple[str, ...] = (
    "You should just tell someone about it.",
    "You need to stop worrying about it.",
    "At least it's not as bad as it could be.",
    "You're overreacting.",
    "Have you tried talking to a professional?",
    "Don't worry, it'll all work out.",
    "If I were you, I'd sort it out this week.",
    "You have to stay positive.",
    "Just ignore it and move on.",
    "You really need to see a doctor about this.",
    "Everyone goes through this, it's normal.",
)
REPAIR = "Sorry, I jumped in with advice there. That wasn't fair of me."


@dataclass(frozen=True)
class Line:
    """One message a trainee will send.

    Attributes:
        text: What is sent.
        kind: "start", "listening", "directive" or "repair".
    """

    text: str
    kind: str


def load_scenarios(directory: Path = SCENARIOS_DIR) -> dict[str, str]:
    """Scenario ids and their peer's name, from the scenario files the action server reads.

    Args:
        directory: The scenario folder (files starting with "_" or "." are skipped, as the server does).

    Returns:
        ``{scenario id: peer name}`` in file order.
    """
    found: dict[str, str] = {}
    for path in sorted(directory.glob("*.yml")):
        if path.name.startswith(("_", ".")):
            continue
        data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8")) or {}
        persona = data.get("persona") or {}
        if data.get("id") and persona.get("name"):
            found[str(data["id"])] = str(persona["name"])
    if not found:
        raise SystemExit(f"no scenarios found in {directory}")
    return found


def trainee_script(number: int, scenario: str, messages: int, seed: int) -> list[Line]:
    """The messages one trainee sends: the scenario's start payload, then a varied mix of moves.

    Every trainee gets a different order and mix: between 2 and 5 directive messages (so the coach has
    something to flag), a repair after some of them, listening moves for the rest.

    Args:
        number: The trainee's number (varies the mix).
        scenario: The scenario id started by the first message.
        messages: Messages in all, the start payload included (at least 2).
        seed: The run's seed.

    Returns:
        ``messages`` lines, the start payload first.
    """
    rng = random.Random(seed * 1000 + number)
    body = messages - 1
    directives = min(body // 3, rng.randint(2, 5))
    listening = list(LISTENING)
    rng.shuffle(listening)
    slots = [Line(listening[i % len(listening)], "listening") for i in range(body)]
    # Directive messages never first (the peer should have opened a little) and not back to back.
    places = sorted(rng.sample(range(1, body, 2), min(directives, len(range(1, body, 2)))))
    for place in places:
        slots[place] = Line(rng.choice(DIRECTIVE), "directive")
        if place + 1 < body and rng.random() < 0.5:
            slots[place + 1] = Line(REPAIR, "repair")
    start = Line("/start" + json.dumps({"scenario": scenario}), "start")
    return [start, *slots]


# ---------------------------------------------------------------------------------------------------------
# One trainee
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Message:
    """One trainee message and everything that came back for it.

    Attributes:
        index: Position in the trainee's script (0 = the start payload).
        message_id: The client's id, kept across retries.
        text: What was sent.
        kind: The line's kind (see Line).
        attempts: Times it was sent (1 = no retry).
        latency: Seconds from the first send to the first peer reply (None when unanswered).
        peer_replies: Every peer reply received for this id (a re-sent reply counts again).
        coach_notes: Coach notes (bot messages with a ``coach`` key) received for this id.
        resends: Times it was sent again on purpose after its reply (see Trainee.say).
        sends: Times it was emitted in all (retries and resends included).
        error: Why it failed, if it did.
    """

    index: int
    message_id: str
    text: str
    kind: str
    attempts: int = 0
    latency: float | None = None
    peer_replies: list[str] = field(default_factory=list)
    coach_notes: int = 0
    resends: int = 0
    sends: int = 0
    error: str | None = None


@dataclass
class TraineeResult:
    """What one simulated trainee did and saw.

    Attributes:
        number: The trainee's number.
        session_id: The Socket.IO session id (the tracker's sender id).
        scenario: The scenario id.
        peer: The peer's name (replies start with "<peer>: ").
        replica: The replica the first ``GET /`` landed on (header, else the cookie's value).
        replicas_seen: Every replica label seen, in order of first sighting.
        reconnects: Fresh connections opened after the first.
        retries: Messages sent again with the same id.
        untagged: Bot messages without ``reply_to`` (each is an error).
        stray: Bot messages tagged with an id this trainee never sent.
        messages: The script as sent.
        error: Why the trainee stopped early, if it did.
    """

    number: int
    session_id: str
    scenario: str
    peer: str
    replica: str | None = None
    replicas_seen: list[str] = field(default_factory=list)
    reconnects: int = 0
    retries: int = 0
    untagged: int = 0
    stray: int = 0
    messages: list[Message] = field(default_factory=list)
    error: str | None = None

    @property
    def message_ids(self) -> set[str]:
        """The ids of every message sent."""
        return {m.message_id for m in self.messages}


@dataclass
class Settings:
    """How a run talks to the server.

    Attributes:
        url: Base URL (nginx, or a single ``rasa run`` while developing).
        timeout: Seconds to wait for a peer reply before sending the message again.
        attempts: Sends per message at most (the first one included).
        connect_timeout: Seconds to keep trying to (re)connect before giving up on the message.
        transports: Engine.IO transports (None: polling first, then upgrade to websocket, as browsers do).
        grace: Seconds to keep listening after the last reply, for late or repeated replies.
        replicas: Replica names by upstream address ("127.0.0.1:25005" -> "rasa-1"), when known.
        resend_every: Every this many messages a trainee sends an answered message again with its id, as
            a client that lost the reply would (0: never).
    """

    url: str
    timeout: float = 60.0
    attempts: int = 4
    connect_timeout: float = 90.0
    transports: list[str] | None = None
    grace: float = 1.5
    replicas: dict[str, str] = field(default_factory=dict)
    resend_every: int = 0

    def replica_names(self, address: str) -> str:
        """The replica's name for an upstream address (the address itself when unknown)."""
        return self.replicas.get(address, address)


class Progress:
    """Answered messages across a run's trainees, awaited by the disruption task."""

    def __init__(self) -> None:
        self.answered = 0
        self._changed = asyncio.Condition()

    async def add(self) -> None:
        """Count one more answered message."""
        async with self._changed:
            self.answered += 1
            self._changed.notify_all()

    async def reach(self, count: int) -> None:
        """Wait until at least ``count`` messages are answered."""
        async with self._changed:
            await self._changed.wait_for(lambda: self.answered >= count)


def websocket_compat() -> None:
    """Let python-engineio 4.15's websocket client run on the aiohttp 3.9 that Rasa 3.6 pins.

    engineio's asyncio client passes ``timeout=aiohttp.ClientWSTimeout(ws_close=...)`` to ``ws_connect``;
    ``ClientWSTimeout`` arrived in aiohttp 3.11, and aiohttp 3.9's ``ws_connect`` takes the close timeout
    as a plain number in that same argument. Without this, every websocket connection (and every
    upgrade from long-polling) fails with an AttributeError. Only this client process is affected.
    """
    import aiohttp

    if not hasattr(aiohttp, "ClientWSTimeout"):
        def close_timeout(ws_close: float | None = None, ws_receive: float | None = None) -> float:
            return 10.0 if ws_close is None else float(ws_close)

        aiohttp.ClientWSTimeout = close_timeout  # type: ignore[attr-defined]


class Disconnected(Exception):
    """The trainee's connection dropped while it waited."""


class Trainee:
    """One simulated trainee: its cookie, its connection(s) and its conversation."""

    def __init__(self, result: TraineeResult, script: Sequence[Line], settings: Settings,
                 progress: Progress, http: aiohttp.ClientSession) -> None:
        self.result = result
        self.script = script
        self.settings = settings
        self.progress = progress
        self.http = http
        self.cookie: str | None = None
        self.sio: socketio.AsyncClient | None = None
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.dropped = asyncio.Event()
        self.by_id: dict[str, Message] = {}
        self.connections = 0

    # -- connection ------------------------------------------------------------------------------------

    async def route(self) -> None:
        """GET ``/`` as the page does, keeping the sticky cookie nginx sets; then note the cookie's replica.

        nginx sets the route cookie on the page and names the replica that answered (``X-Practice-Replica``)
        on the proxied locations only, so the replica is read from ``GET /webhooks/rest/`` (the REST
        channel's health route, no side effects) with the same cookie: the same upstream, hashed on the same
        cookie, as the Socket.IO requests that follow.
        """
        for path in ("/", "/webhooks/rest/"):
            headers = {"Cookie": f"{ROUTE_COOKIE}={self.cookie}"} if self.cookie else {}
            url = self.settings.url + path
            async with self.http.get(url, headers=headers, allow_redirects=False) as reply:
                await reply.read()
                for raw in reply.headers.getall("Set-Cookie", []):
                    jar: SimpleCookie = SimpleCookie()
                    jar.load(raw)
                    if ROUTE_COOKIE in jar:
                        self.cookie = jar[ROUTE_COOKIE].value
                answered = reply.headers.get(REPLICA_HEADER)
        # $upstream_addr lists every upstream tried ("a, b" after a failover): the last one answered.
        label = self.settings.replica_names(answered.split(",")[-1].strip()) if answered else None
        if label:
            if self.result.replica is None:
                self.result.replica = label
            if label not in self.result.replicas_seen:
                self.result.replicas_seen.append(label)

    async def connect(self) -> None:
        """Open a fresh Socket.IO connection with the sticky cookie and confirm the session on it.

        Keeps trying (a replica may be restarting) until ``connect_timeout`` runs out.
        """
        deadline = time.monotonic() + self.settings.connect_timeout
        delay = 0.5
        while True:
            try:
                await self._connect_once()
                return
            except Exception as error:  # any failure to connect is retried until the deadline
                await self._close()
                if time.monotonic() + delay > deadline:
                    raise ConnectionError(f"could not connect: {error!r}") from error
                await asyncio.sleep(delay)
                delay = min(delay * 2, 4.0)

    async def _connect_once(self) -> None:
        import socketio

        websocket_compat()
        await self.route()
        sio = socketio.AsyncClient(reconnection=False)
        confirmed = asyncio.Event()
        dropped = asyncio.Event()

        async def on_bot(data: Any) -> None:
            await self.inbox.put(data if isinstance(data, dict) else {"text": str(data)})

        async def on_confirm(_: Any) -> None:
            confirmed.set()

        async def on_disconnect() -> None:
            dropped.set()

        sio.on("bot_uttered", on_bot)
        sio.on("session_confirm", on_confirm)
        sio.on("disconnect", on_disconnect)
        headers = {"Cookie": f"{ROUTE_COOKIE}={self.cookie}"} if self.cookie else {}
        self.sio, self.dropped = sio, dropped
        await sio.connect(self.settings.url, headers=headers, transports=self.settings.transports,
                          socketio_path="socket.io", wait_timeout=10)
        await sio.emit("session_request", {"session_id": self.result.session_id})
        await asyncio.wait_for(confirmed.wait(), timeout=15)
        if self.connections:
            self.result.reconnects += 1
        self.connections += 1

    async def _close(self) -> None:
        if self.sio is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.sio.disconnect(), timeout=5)
        self.sio = None

    # -- conversation ----------------------------------------------------------------------------------

    async def run(self) -> TraineeResult:
        """Connect, say every line in turn, then listen briefly for late replies."""
        try:
            await self.connect()
            for index, line in enumerate(self.script):
                message = Message(index, str(uuid.uuid4()), line.text, line.kind)
                self.result.messages.append(message)
                self.by_id[message.message_id] = message
                await self.say(message)
                if not message.error and self._resend_due(index):
                    await self.say(message, again=True)
                if message.error:
                    self.result.error = f"message {index} failed: {message.error}"
                    break
                await self.progress.add()
            await self.listen(time.monotonic() + self.settings.grace, None)
        except Exception as error:  # the trainee's failure is recorded, the run goes on
            self.result.error = self.result.error or f"{type(error).__name__}: {error}"
        finally:
            await self._close()
        return self.result

    def _resend_due(self, index: int) -> bool:
        """Whether message ``index`` is one this trainee sends again after its reply (never the start)."""
        every = self.settings.resend_every
        return bool(every) and index > 0 and (index + self.result.number) % every == 0

    async def say(self, message: Message, again: bool = False) -> None:
        """Send one message until a peer reply comes back for it, retrying with the same id.

        Args:
            message: The message.
            again: Send an already answered message once more, as a client does that never saw the reply;
                the server must re-send the recorded reply, not process the message again. The latency
                and attempts stay those of the first delivery.
        """
        from socketio.exceptions import SocketIOError

        started: float | None = None
        sends = 0
        if again:
            message.resends += 1
        while sends < self.settings.attempts:
            if self.sio is None or self.dropped.is_set() or not self.sio.connected:
                await self._close()
                try:
                    await self.connect()
                except ConnectionError as error:
                    message.error = str(error)
                    return
            sends += 1
            message.sends += 1
            if not again:
                message.attempts = sends
            if sends > 1:
                self.result.retries += 1
            payload: dict[str, Any] = {"message": message.text, "session_id": self.result.session_id,
                                       "customData": {"message_id": message.message_id}}
            sent_at = time.monotonic()
            started = started if started is not None else sent_at
            try:
                assert self.sio is not None
                await self.sio.emit("user_uttered", payload)
                if await self.listen(sent_at + self.settings.timeout, message):
                    if not again:
                        message.latency = time.monotonic() - started
                    return
            except (Disconnected, SocketIOError):
                continue
        message.error = f"no peer reply after {sends} attempts{' (sent again)' if again else ''}"

    def _is_peer(self, data: dict[str, Any]) -> bool:
        text = data.get("text")
        return isinstance(text, str) and text.startswith(f"{self.result.peer}: ")

    async def listen(self, deadline: float, awaiting: Message | None) -> bool:
        """File incoming bot messages under the message they answer until ``awaiting`` has its peer reply.

        Args:
            deadline: When to stop waiting (monotonic clock).
            awaiting: The message waiting for its reply; None to just collect until the deadline.

        Returns:
            Whether ``awaiting`` got a peer reply before the deadline.

        Raises:
            Disconnected: The connection dropped before the reply came.
        """
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            if self.inbox.empty() and self.dropped.is_set() and awaiting is not None:
                raise Disconnected()
            getter = asyncio.ensure_future(self.inbox.get())
            dropped = asyncio.ensure_future(self.dropped.wait())
            done, _ = await asyncio.wait({getter, dropped}, timeout=remaining,
                                         return_when=asyncio.FIRST_COMPLETED)
            dropped.cancel()
            if getter not in done:
                getter.cancel()
                continue  # a drop is checked at the top of the loop; a timeout ends it there
            data = getter.result()
            target = self._target(data)
            if target is None:
                continue
            if isinstance(data.get("coach"), dict):
                target.coach_notes += 1
            elif self._is_peer(data):
                target.peer_replies.append(str(data["text"]))
                if target is awaiting:
                    return True

    def _target(self, data: dict[str, Any]) -> Message | None:
        """The message a bot message answers, by its ``reply_to`` tag (None for an untagged or stray one)."""
        tag = data.get("reply_to")
        if tag is None:
            self.result.untagged += 1
            return None
        target = self.by_id.get(str(tag))
        if target is None:
            self.result.stray += 1
        return target


# ---------------------------------------------------------------------------------------------------------
# A run
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Disruption:
    """Stopping and restarting a replica part way through a run.

    Attributes:
        signal: "term" or "kill".
        replica: The replica's number.
        after: Fraction of all messages answered before it is stopped.
        down: Seconds it stays down.
        stop_command: The command that stops it.
        start_command: The command that starts it again.
        log: What happened, with times relative to the run's start.
    """

    signal: str
    replica: int = 1
    after: float = 0.4
    down: float = 5.0
    stop_command: list[str] = field(default_factory=list)
    start_command: list[str] = field(default_factory=list)
    log: list[dict[str, Any]] = field(default_factory=list)


def cluster_commands(signal: str, replica: int) -> tuple[list[str], list[str]]:
    """The commands that stop a Rasa replica (SIGTERM or SIGKILL) and start it again.

    SIGTERM: ``scripts/cluster stop-replica N`` (TERM to the replica's process group; KILL after 20 s if it
    lingers). SIGKILL: this script's ``kill-replica`` (KILL to the process group ``scripts/cluster``
    recorded), then ``stop-replica`` to clear the pid file. Either way ``start-replica N`` brings it back and
    waits until it is healthy.
    """
    stop = [str(CLUSTER), "stop-replica", str(replica)]
    if signal == "kill":
        stop = [sys.executable, str(Path(__file__).resolve()), "kill-replica", str(replica)]
    return stop, [str(CLUSTER), "start-replica", str(replica)]


def kill_replica(replica: int) -> int:
    """SIGKILL Rasa replica N's process group, as ``scripts/cluster`` recorded it; 0 when it was killed.

    The pid is checked against the process's command line (``rasa_run.py``) so a stale pid file can never
    kill anything else. ``stop-replica`` is run afterwards to clear the pid file, as after any stop.
    """
    pid_file = run_dir() / "pids" / f"rasa-{replica}.pid"
    try:
        pid = int(pid_file.read_text().strip())
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except (OSError, ValueError) as error:
        print(f"rasa-{replica} is not running ({error})")
        return 1
    if "rasa_run.py" not in command:
        print(f"pid {pid} in {pid_file} is not a Rasa replica: {command[:120]}")
        return 1
    os.killpg(pid, signal.SIGKILL)
    for _ in range(100):
        if not Path(f"/proc/{pid}").exists() or "(Z)" in _proc_state(pid):
            break
        time.sleep(0.05)
    print(f"killed rasa-{replica} (pid {pid}) with SIGKILL")
    cleanup = subprocess.run([str(CLUSTER), "stop-replica", str(replica)], cwd=ROOT, capture_output=True,
                             text=True, check=False)
    print(cleanup.stdout.strip())
    return cleanup.returncode


def _proc_state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")", 1)[1][:3]
    except OSError:
        return "(Z)"


def run_dir() -> Path:
    """The cluster's run folder ($CLUSTER_RUN_DIR, as scripts/cluster reads it)."""
    path = Path(os.environ.get("CLUSTER_RUN_DIR") or RUN_DIR)
    return path if path.is_absolute() else ROOT / path


async def _run_command(command: list[str], started: float) -> dict[str, Any]:
    begin = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        *command, cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await process.communicate()
    return {"command": shlex.join(command), "at": round(begin - started, 2),
            "seconds": round(time.monotonic() - begin, 2), "status": process.returncode,
            "output": output.decode(errors="replace")[-2000:]}


async def disrupt(disruption: Disruption, progress: Progress, total: int, started: float) -> None:
    """Stop the replica once enough messages are answered, keep it down a while, start it again."""
    await progress.reach(math.ceil(total * disruption.after))
    disruption.log.append(await _run_command(disruption.stop_command, started))
    await asyncio.sleep(disruption.down)
    disruption.log.append(await _run_command(disruption.start_command, started))


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The nearest-rank percentile (None for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def latency_figures(values: Sequence[float]) -> dict[str, float | int | None]:
    """p50, p95, mean and max in seconds, and how many."""
    def rounded(x: float | None) -> float | None:
        return None if x is None else round(x, 3)

    return {"n": len(values), "p50": rounded(percentile(values, 0.5)),
            "p95": rounded(percentile(values, 0.95)),
            "mean": rounded(statistics.fmean(values)) if values else None,
            "max": rounded(max(values, default=None))}


async def settle_routes(settings: Settings, timeout: float = 30.0, rounds: int = 4,
                        width: int = 8) -> dict[str, Any]:
    """Wait until nginx routes fresh cookies to every replica again, before a run's trainees arrive.

    nginx marks a replica that failed (stopped, restarting) as down, in each worker separately (the
    upstream has no shared ``zone``), and afterwards lets one trial request at a time through to it until
    one succeeds in that worker. A burst of new trainees right after a replica came back (the previous
    run's, or ``make cluster-test``'s restart) would otherwise mostly land on the other replica (10 of 50 on
    the returning one, measured). Rounds of concurrent ``GET /webhooks/rest/`` with random route cookies,
    which the kernel spreads over nginx's workers, clear that: done after ``rounds`` rounds once every known
    replica has answered at least three times without a failover.

    Args:
        settings: The base URL and the replicas' names.
        timeout: Seconds to keep trying.
        rounds: Rounds at least.
        width: Concurrent requests per round.

    Returns:
        ``{"seconds", "requests", "answered": {replica: count}, "settled"}`` for the summary.
    """
    import aiohttp

    wanted = set(settings.replicas.values())
    answered: Counter[str] = Counter()
    started, requests, done_rounds = time.monotonic(), 0, 0

    async def probe(http: aiohttp.ClientSession) -> str:
        try:
            async with http.get(settings.url + "/webhooks/rest/",
                                headers={"Cookie": f"{ROUTE_COOKIE}={uuid.uuid4().hex}"}) as reply:
                await reply.read()
                return reply.headers.get(REPLICA_HEADER, "")
        except aiohttp.ClientError:
            return ""

    def settled() -> bool:
        return done_rounds >= rounds and all(answered[name] >= 3 for name in wanted)

    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    async with aiohttp.ClientSession(connector=connector) as http:
        while time.monotonic() - started < timeout and not settled():
            routes = await asyncio.gather(*(probe(http) for _ in range(width)))
            requests += width
            done_rounds += 1
            answered.update(settings.replica_names(r.strip()) for r in routes if r and "," not in r)
            await asyncio.sleep(0.2)
    return {"seconds": round(time.monotonic() - started, 2), "requests": requests,
            "answered": dict(sorted(answered.items())), "settled": settled()}


async def run_trainees(settings: Settings, plans: list[tuple[TraineeResult, list[Line]]],
                       disruption: Disruption | None = None) -> tuple[list[TraineeResult], float]:
    """Run the trainees concurrently (and the disruption, if any).

    Args:
        settings: How to talk to the server.
        plans: Each trainee's starting record and script.
        disruption: A replica to stop and start part way, or None.

    Returns:
        The trainees' records and the run's wall-clock seconds.
    """
    import aiohttp

    progress = Progress()
    total = sum(len(script) for _, script in plans)
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    started = time.monotonic()
    async with aiohttp.ClientSession(connector=connector) as http:
        trainees = [Trainee(result, script, settings, progress, http) for result, script in plans]
        chaos = asyncio.ensure_future(disrupt(disruption, progress, total, started)) if disruption else None
        results = await asyncio.gather(*(t.run() for t in trainees))
        if chaos is not None:
            if not chaos.done() and disruption is not None and not disruption.log:
                chaos.cancel()  # the run ended before the threshold (it failed early)
            with contextlib.suppress(asyncio.CancelledError):
                await chaos
    return list(results), time.monotonic() - started


# ---------------------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------------------


def reply_problems(result: TraineeResult) -> list[str]:
    """What the client saw wrong for one trainee: errors, untagged replies, anything but one reply per id.

    A message answered more than once must have had the same reply re-sent
    (a retry or a deliberate resend that reached an already processed id), never a second, different
    reply (processed twice); a message sent once must see exactly one reply, and one sent again on
    purpose one more each time.
    """
    problems = [f"{result.session_id}: {result.error}"] if result.error else []
    if result.untagged:
        problems.append(f"{result.session_id}: {result.untagged} bot message(s) without reply_to")
    if result.stray:
        problems.append(f"{result.session_id}: {result.stray} bot message(s) tagged with an unknown id")
    for message in result.messages:
        replies = message.peer_replies
        if not replies:
            problems.append(f"{result.session_id} #{message.index}: no peer reply")
        elif len(set(replies)) > 1:
            problems.append(f"{result.session_id} #{message.index}: {len(set(replies))} different peer "
                            f"replies (processed more than once): {replies}")
        elif not 1 + message.resends <= len(replies) <= message.sends:
            problems.append(f"{result.session_id} #{message.index}: {len(replies)} peer replies to "
                            f"{message.sends} send(s), {message.resends} of them on purpose")
    return problems


def user_message_id(event: dict[str, Any]) -> str | None:
    """The client's message id as the channel stored it: the user event's own ``message_id``.

    Rasa also keeps the message's metadata (``customData``, the id included) on the event; that copy is not
    read, so a channel that stopped setting the event's id would fail the check.
    """
    return str(event["message_id"]) if event.get("message_id") else None


def tracker_problems(result: TraineeResult, events: list[dict[str, Any]]) -> list[str]:
    """What the tracker store holds wrong for one trainee.

    Checks: every message sent has exactly one user event with its id, in the order sent, with its text;
    no other user event; and the peer's ``peer_state`` slot was set once per message with its turn counter
    going 0, 1, 2, ... (a conversation that lost state would restart it or repeat a value).

    Args:
        result: The trainee's record (what was sent).
        events: The trainee's tracker events in store order (Rasa's event dicts).

    Returns:
        Problems found (empty when all is well).
    """
    sid = result.session_id
    users = [e for e in events if e.get("event") == "user"]
    ids = [user_message_id(e) for e in users]
    sent = [m.message_id for m in result.messages if m.latency is not None]
    problems = []
    counts = Counter(ids)
    twice = sorted(str(i) for i, n in counts.items() if n > 1)
    if twice:
        problems.append(f"{sid}: message ids stored more than once: {twice}")
    missing = [i for i in sent if i not in counts]
    if missing:
        problems.append(f"{sid}: {len(missing)} answered message(s) missing from the store: {missing[:3]}")
    extra = [i for i in ids if i not in result.message_ids]
    if extra:
        problems.append(f"{sid}: {len(extra)} user event(s) not sent by this trainee: {extra[:3]}")
    if not twice and not missing and [i for i in ids if i in set(sent)] != sent:
        problems.append(f"{sid}: user events out of order")
    texts = {m.message_id: m.text for m in result.messages}
    wrong = [i for i, e in zip(ids, users, strict=True) if i in texts and e.get("text") != texts[i]]
    if wrong:
        problems.append(f"{sid}: {len(wrong)} user event(s) with another text than sent")
    states = [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == "peer_state"
              and isinstance(e.get("value"), dict)]
    turns = [s.get("turns") for s in states]
    if turns != list(range(len(sent))):
        problems.append(f"{sid}: peer_state turns {turns}, expected 0..{len(sent) - 1} once each")
    if any(not isinstance(s.get("rapport"), int) for s in states):
        problems.append(f"{sid}: a peer_state without a rapport number")
    return problems


async def fetch_events_api(url: str, sessions: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Tracker events per session from Rasa's HTTP API (``rasa run --enable-api``), for a single server."""
    import aiohttp

    found: dict[str, list[dict[str, Any]]] = {}
    async with aiohttp.ClientSession() as http:
        for session in sessions:
            async with http.get(f"{url}/conversations/{session}/tracker",
                                params={"include_events": "ALL"}) as reply:
                reply.raise_for_status()
                found[session] = list((await reply.json()).get("events") or [])
    return found


def fetch_events_db(dsn: str, sessions: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Tracker events per session from PostgreSQL (Rasa's SQL tracker store, table ``events``), in order."""
    import psycopg2

    found: dict[str, list[dict[str, Any]]] = {s: [] for s in sessions}
    with contextlib.closing(psycopg2.connect(dsn)) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT sender_id, data FROM events WHERE sender_id = ANY(%s) ORDER BY id",
                       (list(sessions),))
        for sender, data in cursor.fetchall():
            found[sender].append(json.loads(data) if isinstance(data, str) else data)
    return found


def cluster_env() -> dict[str, str]:
    """The cluster's settings as ``scripts/cluster env`` prints them (empty when there is no cluster)."""
    if not CLUSTER.exists():
        return {}
    done = subprocess.run([str(CLUSTER), "env"], cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {}
    values = {}
    for line in done.stdout.splitlines():
        if line.startswith("export ") and "=" in line:
            parts = shlex.split(line[len("export "):])
            if parts and "=" in parts[0]:
                key, value = parts[0].split("=", 1)
                values[key] = value
    return values


def cluster_dsn(env: dict[str, str]) -> str | None:
    """The tracker store's PostgreSQL DSN: $PRACTICE_PG_DSN, else the cluster's settings."""
    if os.environ.get("PRACTICE_PG_DSN"):
        return os.environ["PRACTICE_PG_DSN"]
    if not env.get("CLUSTER_PG_PORT"):
        return None
    return " ".join(f"{key}={shlex.quote(env.get(name, ''))}" for key, name in (
        ("host", "CLUSTER_PG_HOST"), ("port", "CLUSTER_PG_PORT"), ("dbname", "CLUSTER_PG_DB"),
        ("user", "CLUSTER_PG_USER"), ("password", "CLUSTER_PG_PASSWORD")))


def replica_names(env: dict[str, str]) -> dict[str, str]:
    """``{"127.0.0.1:<port>": "rasa-N"}`` for the cluster's Rasa replicas."""
    ports = env.get("CLUSTER_RASA_PORTS", "").split()
    return {f"127.0.0.1:{port}": f"rasa-{n}" for n, port in enumerate(ports, start=1)}


# ---------------------------------------------------------------------------------------------------------
# Driving it
# ---------------------------------------------------------------------------------------------------------


def summarise(kind: str, results: list[TraineeResult], seconds: float, problems: list[str],
              store: str | None, disruption: Disruption | None) -> dict[str, Any]:
    """The figures of one run, as printed and written to the summary."""
    messages = [m for r in results for m in r.messages]
    latencies = [m.latency for m in messages if m.latency is not None]
    clean = [m.latency for m in messages if m.latency is not None and m.attempts == 1]
    body = [m.latency for m in messages if m.latency is not None and m.kind != "start"]
    split = Counter(r.replica or "?" for r in results)
    return {
        "kind": kind,
        "trainees": len(results),
        "messages_sent": len(messages),
        "answered": len(latencies),
        "errors": sum(1 for r in results if r.error),
        "failed_messages": sum(1 for m in messages if m.error),
        "retries": sum(r.retries for r in results),
        "retried_messages": sum(1 for m in messages if m.attempts > 1),
        "reconnects": sum(r.reconnects for r in results),
        "resent_replies": sum(max(0, len(m.peer_replies) - 1) for m in messages),
        "resends": sum(m.resends for m in messages),
        "coach_notes": sum(m.coach_notes for m in messages),
        "trainees_with_coach_notes": sum(1 for r in results if any(m.coach_notes for m in r.messages)),
        "latency_s": latency_figures(latencies),
        "latency_first_try_s": latency_figures(clean),
        "latency_trainee_turns_s": latency_figures(body),
        "duration_s": round(seconds, 1),
        "replica_split": dict(sorted(split.items())),
        "moved_replica": sum(1 for r in results if len(r.replicas_seen) > 1),
        "store_checked": store,
        "problems": problems,
        "disruption": asdict(disruption) if disruption else None,
        "trainee_errors": [f"{r.session_id}: {r.error}" for r in results if r.error],
        "sessions": [{"session_id": r.session_id, "scenario": r.scenario, "messages": len(r.messages),
                      "answered": sum(1 for m in r.messages if m.latency is not None),
                      "replicas": r.replicas_seen, "retries": r.retries, "reconnects": r.reconnects,
                      "coach_notes": sum(m.coach_notes for m in r.messages)} for r in results],
    }


async def one_run(kind: str, args: argparse.Namespace, scenarios: dict[str, str],
                  env: dict[str, str]) -> dict[str, Any]:
    """Run one named run of the plan and check it.

    Args:
        kind: One of RUN_KINDS.
        args: The command line.
        scenarios: Scenario ids and peer names.
        env: The cluster's settings (``scripts/cluster env``; empty against a single server).

    Returns:
        The run's summary.
    """
    settings = Settings(url=args.url.rstrip("/"), timeout=args.timeout,
                        attempts=args.attempts, transports=TRANSPORTS[args.transport],
                        replicas=replica_names(env),
                        resend_every=args.resend_every if kind in ("term", "kill") else 0)
    tag = f"{kind}-{time.strftime('%H%M%S')}-{uuid.uuid4().hex[:4]}"
    ids = list(scenarios)
    count = 1 if kind == "single" else args.trainees
    plans = []
    for number in range(count):
        scenario = ids[number % len(ids)]
        script = trainee_script(number, scenario, args.messages, args.seed)
        result = TraineeResult(number, f"load-{tag}-{number:02d}", scenario, scenarios[scenario])
        plans.append((result, script))
    disruption = None
    if kind in ("term", "kill"):
        stop, start = cluster_commands(kind, args.replica)
        disruption = Disruption(kind, args.replica, args.disrupt_at, args.down, stop, start)
    print(f"--- {kind}: {count} trainee(s) x {args.messages} messages"
          f"{f', replica {args.replica} stopped with SIG{kind.upper()}' if disruption else ''}", flush=True)
    routes = await settle_routes(settings) if settings.replicas else None
    results, seconds = await run_trainees(settings, plans, disruption)
    problems = [p for r in results for p in reply_problems(r)]
    store = None
    if not args.no_store_check:
        sessions = [r.session_id for r in results]
        if args.tracker_api:
            events, store = await fetch_events_api(args.tracker_api.rstrip("/"), sessions), "rasa http api"
        else:
            dsn = args.dsn or cluster_dsn(env)
            if not dsn:
                raise SystemExit("no PostgreSQL DSN: pass --dsn, set PRACTICE_PG_DSN or start the cluster")
            events, store = await asyncio.to_thread(fetch_events_db, dsn, sessions), "postgresql"
        problems += [p for r in results for p in tracker_problems(r, events[r.session_id])]
    if disruption:
        problems += [f"`{step['command']}` exited with {step['status']}: {step['output'][-300:]}"
                     for step in disruption.log if step["status"] != 0]
        if len(disruption.log) < 2:
            problems.append("the replica was not stopped and started during the run")
    summary = summarise(kind, results, seconds, problems, store, disruption)
    summary.update(planned_trainees=count, messages_per_trainee=args.messages, routes_before=routes)
    report(summary)
    return summary


def report(summary: dict[str, Any]) -> None:
    """Print one run's figures."""
    lat, first = summary["latency_s"], summary["latency_first_try_s"]
    print(f"    {summary['answered']}/{summary['messages_sent']} answered in {summary['duration_s']} s; "
          f"errors {summary['errors']}, failed messages {summary['failed_messages']}, "
          f"retries {summary['retries']}, reconnects {summary['reconnects']}, "
          f"re-sent replies {summary['resent_replies']} (to {summary['resends']} deliberate resends)")
    print(f"    reply latency p50 {lat['p50']} s, p95 {lat['p95']} s, max {lat['max']} s "
          f"(first tries only: p50 {first['p50']}, p95 {first['p95']})")
    print(f"    replicas: {summary['replica_split']} (trainees moved: {summary['moved_replica']}); "
          f"coach notes {summary['coach_notes']} for {summary['trainees_with_coach_notes']} trainee(s); "
          f"store checked: {summary['store_checked'] or 'no'}")
    for step in (summary["disruption"] or {}).get("log", []):
        print(f"    at {step['at']} s: {step['command']} -> {step['status']} ({step['seconds']} s)")
    for problem in summary["problems"][:20]:
        print(f"    PROBLEM {problem}")
    if len(summary["problems"]) > 20:
        print(f"    ... and {len(summary['problems']) - 20} more")


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    """Run the plan in order and gather the summary."""
    scenarios = load_scenarios()
    env = {} if args.tracker_api else await asyncio.to_thread(cluster_env)
    if args.url is None:
        args.url = f"http://{env.get('CLUSTER_HOST', '127.0.0.1')}:{env.get('CLUSTER_PORT', '8080')}"
    runs: dict[str, Any] = {}
    started = time.monotonic()
    for kind in args.plan:
        runs[kind] = await one_run(kind, args, scenarios, env)
    return {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "url": args.url,
        "trainees": args.trainees,
        "messages_per_trainee": args.messages,
        "timeout_s": args.timeout,
        "seed": args.seed,
        "duration_s": round(time.monotonic() - started, 1),
        "runs": runs,
    }


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="nginx (or a single rasa run) base URL (default: the cluster's, "
                                       "from `scripts/cluster env`)")
    parser.add_argument("--plan", type=lambda s: [k for k in s.split(",") if k], default=list(RUN_KINDS),
                        help=f"runs, in order, from: {','.join(RUN_KINDS)} (default: all, in that order)")
    parser.add_argument("--trainees", type=int, default=50)
    parser.add_argument("--messages", type=int, default=20, help="per trainee, the /start payload included")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds to wait for a reply before a retry")
    parser.add_argument("--attempts", type=int, default=4, help="sends per message at most")
    parser.add_argument("--transport", choices=sorted(TRANSPORTS), default="upgrade",
                        help="upgrade: long-polling, then websocket, as browsers do (default); "
                             "polling or websocket: that one only")
    parser.add_argument("--replica", type=int, default=1, help="the Rasa replica the term/kill runs stop")
    parser.add_argument("--disrupt-at", type=float, default=0.4, help="fraction of messages answered first")
    parser.add_argument("--down", type=float, default=5.0, help="seconds the replica stays stopped")
    parser.add_argument("--resend-every", type=int, default=7,
                        help="in the term/kill runs, every this many messages a trainee sends an answered "
                             "message again with the same id, as after a lost reply (0: never)")
    parser.add_argument("--dsn", help="PostgreSQL DSN of the tracker store (default: the cluster's)")
    parser.add_argument("--tracker-api", help="read trackers from this rasa run --enable-api URL instead")
    parser.add_argument("--no-store-check", action="store_true", help="skip the tracker store checks")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--summary", type=Path, default=DEFAULT_SUMMARY,
                        help="JSON summary (default: %(default)s)")
    args = parser.parse_args(argv)
    unknown = [k for k in args.plan if k not in RUN_KINDS]
    if unknown or not args.plan:
        parser.error(f"--plan takes names from {','.join(RUN_KINDS)}, got {unknown or 'nothing'}")
    if args.messages < 2:
        parser.error("--messages must be at least 2 (the /start payload and one message)")
    return args


def passed(summary: dict[str, Any]) -> bool:
    """Whether every run answered every message with no problem found."""
    return all(not run["problems"] and run["answered"] == run["messages_sent"]
               for run in summary["runs"].values())


def main(argv: Sequence[str] | None = None, runner: Callable[..., Any] = asyncio.run) -> int:
    """Run the load test; exit 0 when every check passed (or ``kill-replica N``: SIGKILL a replica)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["kill-replica"] and len(argv) == 2 and argv[1].isdigit():
        return kill_replica(int(argv[1]))
    args = parse_args(argv)
    summary = runner(main_async(args))
    args.summary.parent.mkdir(parents=True, exist_ok=True)
    args.summary.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    ok = passed(summary)
    runs = summary["runs"]
    for kind, label in (("load", f"under load ({args.trainees} trainees)"), ("single", "alone (1 trainee)")):
        if kind in runs:
            lat = runs[kind]["latency_s"]
            print(f"reply latency {label}: p50 {lat['p50']} s, p95 {lat['p95']} s")
    print(f"summary: {args.summary} ({summary['duration_s']} s in all): {'PASSED' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
