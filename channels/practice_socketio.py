"""The web chat's Socket.IO channel: Rasa's own, made safe for a programme's trainees and for replicas.

Rasa's ``SocketIOInput`` is kept (its events, session persistence, output); this subclass adds what a
deployment behind a load balancer needs:

- **Allowed origins**: the page's own origin, plus those in ``cors_allowed_origins`` (credentials) or
  ``$PRACTICE_ALLOWED_ORIGINS`` (comma-separated; ``*`` allows any). Rasa's channel turns origin checks off.
- **Bad input dropped, not crashed on**: a payload that is not an object, a message that is not text, a
  bad session id or unreadable metadata is logged and dropped; a message over ``max_message_chars`` gets a
  short reply instead of the peer's. Engine.IO refuses packets over ``max_payload_bytes``.
- **Exactly-once delivery for clients that retry**: a client may put ``message_id`` in the message's
  metadata. The id becomes the tracker's ``message_id`` for that user event; a message whose id the
  conversation already holds (a retry after a lost reply or a replica restart) is not processed again: its
  recorded replies are sent once more. Replies to such messages carry ``reply_to`` so the client can match
  them. The check and the processing share one lock per conversation in Rasa's lock store (Redis in the
  production profile), so two replicas cannot both take the same retry.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, Sanic
from sanic.exceptions import SanicException

logger = logging.getLogger(__name__)

ORIGINS_ENV = "PRACTICE_ALLOWED_ORIGINS"
DEFAULT_MAX_MESSAGE_CHARS = 20_000
DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024
#: Session and message ids a client may choose: what uuid4().hex and rasa-webchat produce, with room to spare.
_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
#: Rasa's app names: `rasa run` with and without --enable-api.
_RASA_APPS = ("rasa_server", "rasa_core_no_api")

TOO_LONG = ("That message is too long for a practice conversation ({length:,} characters; the limit is "
            "{limit:,}). Could you send a shorter one?")


def parse_origins(value: str | list[str] | None) -> list[str]:
    """Allowed origins from a comma-separated string or a list; trailing slashes dropped."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else [str(v) for v in value]
    return [item.strip().rstrip("/") for item in items if item.strip()]


def same_origin(environ: dict[str, Any]) -> set[str]:
    """The origins a request counts as its own: its Host (and a proxy's X-Forwarded-Host/-Proto)."""
    scheme = environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST")
    origins = {f"{scheme}://{host}"} if host else set()
    fwd_host = environ.get("HTTP_X_FORWARDED_HOST") or host
    fwd_proto = environ.get("HTTP_X_FORWARDED_PROTO")
    if fwd_host and (fwd_proto or environ.get("HTTP_X_FORWARDED_HOST")):
        proto = (fwd_proto or scheme).split(",")[0].strip()
        origins.add(f"{proto}://{fwd_host.split(',')[0].strip()}")
    return origins


def origin_checker(allowed: list[str]) -> Callable[[str | None, dict[str, Any]], bool]:
    """A check for a connection's Origin: none (not a browser), the page's own, or one of ``allowed``."""
    allow_any = "*" in allowed
    listed = set(allowed)

    def check(origin: str | None, environ: dict[str, Any]) -> bool:
        if not origin:
            return True
        return allow_any or origin.rstrip("/") in listed or origin.rstrip("/") in same_origin(environ)

    return check


def clean_message(data: Any, metadata_key: str, max_chars: int) -> tuple[dict[str, Any] | None, str]:
    """Check a ``user_uttered`` payload.

    Args:
        data: What the client sent.
        metadata_key: Where the client puts metadata (``customData`` for rasa-webchat).
        max_chars: The longest message processed.

    Returns:
        ``(payload, "")`` with metadata parsed into a dict, ``(payload, "too_long")`` for a message to
        answer with a note, or ``(None, reason)`` for one to drop.
    """
    if not isinstance(data, dict):
        return None, f"payload is {type(data).__name__}, not an object"
    session_id = data.get("session_id")
    if session_id is not None and not (isinstance(session_id, str) and _ID.match(session_id)):
        return None, "session_id is not a short id"
    message = data.get("message", "")
    if not isinstance(message, str):
        return None, f"message is {type(message).__name__}, not text"
    metadata = data.get(metadata_key) or {}
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except ValueError:
            metadata = {}
    if not isinstance(metadata, dict):
        metadata = {}
    message_id = metadata.get("message_id")
    if message_id is not None and not (isinstance(message_id, str) and _ID.match(message_id)):
        return None, "message_id is not a short id"
    cleaned = {**data, "message": message, metadata_key: metadata}
    return cleaned, "too_long" if len(message) > max_chars else ""


def recorded_replies(events: list[Any], message_id: str) -> list[dict[str, Any]] | None:
    """The bot messages that answered the user message ``message_id``, or None if it was never processed."""
    replies: list[dict[str, Any]] | None = None
    for event in events:
        if isinstance(event, UserUttered):
            if replies is not None:
                break
            if event.message_id == message_id:
                replies = []
        elif replies is not None and isinstance(event, BotUttered):
            replies.append(event.message())
    return replies


class TurnOutput(SocketIOOutput):
    """Rasa's Socket.IO output for one incoming message: replies held until the turn is stored.

    Rasa sends each action's messages as soon as the action has run, and saves the conversation only at
    the end of the turn. A replica killed in between would leave the trainee with a reply to a message the
    tracker store never kept. Held back and sent by :meth:`flush` after Rasa has saved the turn, a reply
    the trainee sees is always one the store has; a turn cut short sends nothing, so the client's retry
    processes the message afresh. Replies are tagged ``reply_to`` when the client gave the message an id.
    """

    def __init__(self, sio: Any, bot_message_evt: str, reply_to: str | None) -> None:
        """Create the output for one incoming message.

        Args:
            sio: The Socket.IO server.
            bot_message_evt: The event replies are sent as.
            reply_to: The client's id of the message being answered, if it gave one.
        """
        super().__init__(sio, bot_message_evt)
        self.reply_to = reply_to
        self.held: list[tuple[str, dict[str, Any]]] = []

    async def _send_message(self, socket_id: str, response: Any) -> None:
        if isinstance(response, dict) and self.reply_to:
            response = {**response, "reply_to": self.reply_to}
        self.held.append((socket_id, response))

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        """Hold a custom payload, tagged like every other reply (Rasa emits its ``data`` as the message)."""
        data = json_message.get("data")
        if isinstance(data, dict) and self.reply_to:
            data = {**data, "reply_to": self.reply_to}
        self.held.append((str(json_message.get("room") or recipient_id), data))

    async def flush(self) -> None:
        """Send the held replies, in order."""
        held, self.held = self.held, []
        for room, response in held:
            await super()._send_message(room, response)


class PracticeSocketIOInput(SocketIOInput):
    """Rasa's Socket.IO channel with origin checks, input checks and exactly-once retries."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Build the channel from its ``credentials.yml`` section (Rasa's keys plus the ones above)."""
        credentials = credentials or {}
        channel = super().from_credentials(credentials)
        assert isinstance(channel, PracticeSocketIOInput)
        origins = credentials.get("cors_allowed_origins")
        channel.allowed_origins = parse_origins(origins if origins else os.environ.get(ORIGINS_ENV))
        channel.max_message_chars = int(credentials.get("max_message_chars") or DEFAULT_MAX_MESSAGE_CHARS)
        channel.max_payload_bytes = int(credentials.get("max_payload_bytes") or DEFAULT_MAX_PAYLOAD_BYTES)
        return channel

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Create the channel (Rasa's arguments; the extra settings default as documented above)."""
        super().__init__(*args, **kwargs)
        self.allowed_origins: list[str] = parse_origins(os.environ.get(ORIGINS_ENV))
        self.max_message_chars = DEFAULT_MAX_MESSAGE_CHARS
        self.max_payload_bytes = DEFAULT_MAX_PAYLOAD_BYTES

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's blueprint, with the checks and the exactly-once delivery wrapped around its handlers."""
        socketio_webhook = super().blueprint(self._deliver_once(on_new_message))
        sio = self.sio
        assert sio is not None
        # Engine.IO's own CORS handling stays off (Rasa's choice): `rasa run --cors` already adds the CORS
        # headers, and both together send them twice, which browsers reject. Origins are checked on connect.
        allowed_origin = origin_checker(self.allowed_origins)
        sio.eio.max_http_buffer_size = self.max_payload_bytes
        namespace = self.namespace or "/"
        rasa_connect = sio.handlers[namespace]["connect"]
        rasa_message = sio.handlers[namespace][self.user_message_evt]
        rasa_session = sio.handlers[namespace]["session_request"]

        async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
            origin = environ.get("HTTP_ORIGIN")
            if not allowed_origin(origin, environ):
                logger.warning("Refused a Socket.IO connection from origin %s", origin)
                return False
            return bool(await rasa_connect(sid, environ, auth))

        async def session_request(sid: str, data: Any) -> None:
            session_id = data.get("session_id") if isinstance(data, dict) else None
            if not (isinstance(session_id, str) and _ID.match(session_id)):
                session_id = None
            await rasa_session(sid, {"session_id": session_id})

        async def handle_message(sid: str, data: Any) -> None:
            cleaned, problem = clean_message(data, self.metadata_key or "metadata", self.max_message_chars)
            if cleaned is None:
                logger.warning("Dropped a Socket.IO message from %s: %s", sid, problem)
                return
            if problem == "too_long":
                room = cleaned.get("session_id") if self.session_persistence else sid
                if room:
                    text = TOO_LONG.format(length=len(cleaned["message"]), limit=self.max_message_chars)
                    await SocketIOOutput(sio, self.bot_message_evt).send_text_message(room, text)
                return
            await rasa_message(sid, cleaned)

        sio.on("connect", connect, namespace=self.namespace)
        sio.on("session_request", session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        return socketio_webhook

    def _deliver_once(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Callable[[UserMessage], Awaitable[Any]]:
        async def deliver(message: UserMessage) -> None:
            message_id = (message.metadata or {}).get("message_id")
            output = TurnOutput(self.sio, self.bot_message_evt, message_id)
            message.output_channel = output
            agent = _agent() if message_id else None
            if agent is None:
                await on_new_message(message)
                await output.flush()
                return
            message.message_id = message_id
            # A lock of its own (not the conversation's, which Rasa takes inside on_new_message):
            # check-then-process must be atomic across replicas, and Rasa's lock is not re-entrant.
            async with agent.lock_store.lock(f"{message.sender_id}:delivery"):
                tracker = await agent.tracker_store.retrieve(message.sender_id)
                replies = recorded_replies(list(tracker.events), message_id) if tracker else None
                if replies is None:
                    await on_new_message(message)
                else:
                    logger.info("Message %s of %s was already processed; sending its %d replies again",
                                message_id, message.sender_id, len(replies))
                    for reply in replies:
                        await output.send_response(message.sender_id, reply)
                await output.flush()

        return deliver


def _agent() -> Any:
    for name in _RASA_APPS:
        try:
            return Sanic.get_app(name).ctx.agent
        except (SanicException, AttributeError):
            continue
    return None

