"""Pluggable text-message (SMS) sending for the phone check, chosen by the ``SMS_BACKEND`` setting.

Backends:

- ``ConsoleBackend`` (the development default) logs each message instead of sending it;
- ``LocmemBackend`` (tests) appends each message to ``outbox``, like ``django.core.mail.outbox``;
- a real gateway: subclass ``BaseSmsBackend`` and implement ``send``. It receives the number in
  E.164 form ("+375291234567") and the text; it should raise ``SmsError`` when the gateway refuses,
  time out after a few seconds, and never log the text (it holds a code). Point ``SMS_BACKEND`` at
  the class's dotted path. Gateway credentials belong in environment variables read by the class.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DEFAULT_BACKEND = "hramada.voting.sms.ConsoleBackend"


class SmsError(Exception):
    """The gateway could not send the message."""


@dataclass(frozen=True)
class Sms:
    to: str
    body: str


class BaseSmsBackend:
    """Sends one text message. Subclasses implement ``send``; ``__init__`` takes no arguments."""

    def send(self, to: str, body: str) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseSmsBackend):
    """Development: the message goes to the log (the console), nothing is sent."""

    def send(self, to: str, body: str) -> None:
        logger.warning("SMS to %s: %s", to, body)


outbox: list[Sms] = []


class LocmemBackend(BaseSmsBackend):
    """Tests: messages are kept in ``hramada.voting.sms.outbox``."""

    def send(self, to: str, body: str) -> None:
        outbox.append(Sms(to=to, body=body))


def get_backend() -> BaseSmsBackend:
    return import_string(getattr(settings, "SMS_BACKEND", DEFAULT_BACKEND))()


def send_sms(to: str, body: str) -> None:
    get_backend().send(to, body)
