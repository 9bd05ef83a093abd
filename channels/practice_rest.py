"""Rasa's REST channel, answering malformed requests with a 4xx instead of an internal error.

Rasa's ``RestInput`` reads ``request.json`` as a dict: a body that is a list, a string or a number made
it fail with a 500, and a non-text ``message`` was processed as if it were text. Here the body must be a JSON
object with a text ``message`` (at most ``max_message_chars``; longer gets 413), an optional short text
``sender`` and an optional object ``metadata``; anything else gets 400 with a message saying what is wrong.
The channel's name stays ``rest``; ``input_channel`` in the body is ignored (a client cannot pose as the
web chat or the shell).
"""

from __future__ import annotations

import re
from typing import Any

from rasa.core.channels.channel import InputChannel
from rasa.core.channels.rest import RestInput
from sanic.exceptions import InvalidUsage, PayloadTooLarge
from sanic.request import Request

from channels.practice_socketio import DEFAULT_MAX_MESSAGE_CHARS

_SENDER = re.compile(r"^[^\x00-\x1f]{1,128}$")


def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON body, which must be an object.

    Raises:
        InvalidUsage: (400) the body is not JSON or not an object.
    """
    body = request.json  # Sanic raises InvalidUsage (400) for text that is not JSON
    if not isinstance(body, dict):
        raise InvalidUsage(f"The body must be a JSON object, not {type(body).__name__}.")
    return body


class PracticeRestInput(RestInput):
    """The REST channel with its input checked."""

    @classmethod
    def name(cls) -> str:
        """Keep Rasa's name: the actions and the tests know this channel as ``rest``."""
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Build the channel; ``max_message_chars`` may be set in credentials.yml."""
        channel = cls()
        channel.max_message_chars = int((credentials or {}).get("max_message_chars")
                                        or DEFAULT_MAX_MESSAGE_CHARS)
        return channel

    def __init__(self) -> None:
        """Create the channel with the default message limit."""
        super().__init__()
        self.max_message_chars = DEFAULT_MAX_MESSAGE_CHARS

    async def _extract_sender(self, req: Request) -> str | None:
        sender = json_body(req).get("sender")
        if sender is None:
            return None
        if not isinstance(sender, str) or not _SENDER.match(sender):
            raise InvalidUsage("'sender' must be text of 1 to 128 printable characters.")
        return sender

    def _extract_message(self, req: Request) -> str | None:
        message = json_body(req).get("message")
        if message is None:
            return None
        if not isinstance(message, str):
            raise InvalidUsage("'message' must be text.")
        if len(message) > self.max_message_chars:
            raise PayloadTooLarge(f"'message' is {len(message):,} characters; the limit is "
                                  f"{self.max_message_chars:,}.")
        return message

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        """The request's ``metadata`` object, if any.

        Raises:
            InvalidUsage: (400) ``metadata`` is present but not an object.
        """
        metadata = json_body(request).get("metadata")
        if metadata is not None and not isinstance(metadata, dict):
            raise InvalidUsage("'metadata' must be a JSON object.")
        return metadata
