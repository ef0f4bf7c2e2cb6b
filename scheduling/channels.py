"""How messages leave: email over SMTP, SMS over a Twilio-compatible REST API, or the outbox.

A channel raises `DeliveryError` when a message did not go: `permanent` when trying again cannot
help (a refused address), otherwise the dispatcher retries later. Nothing here touches the database.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import http.client
import json
import secrets
import smtplib
import ssl
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid
from typing import Any, Protocol


class DeliveryError(Exception):
    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Outgoing:
    to: str
    subject: str
    text: str
    ics: bytes | None = None


class Channel(Protocol):
    def send(self, message: Outgoing) -> str: ...
    def close(self) -> None: ...


class OutboxChannel:
    """The demo default: nothing leaves the machine; the outbox page shows what would have."""

    def send(self, message: Outgoing) -> str:
        return "outbox-" + secrets.token_hex(8)

    def close(self) -> None:
        pass


class SmtpChannel:
    """One SMTP connection per sweep, opened on first use."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.host = config["MAIL_SERVER"]
        self.port = int(config["MAIL_PORT"])
        self.username = config.get("MAIL_USERNAME")
        self.password = config.get("MAIL_PASSWORD")
        self.use_tls = bool(config.get("MAIL_USE_TLS"))
        self.sender = config["MAIL_DEFAULT_SENDER"]
        self.timeout = float(config.get("MAIL_TIMEOUT", 20))
        self._smtp: smtplib.SMTP | None = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.use_tls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password or "")
            self._smtp = smtp
        return self._smtp

    def send(self, message: Outgoing) -> str:
        # The compat32 MIME classes: several times faster to build than EmailMessage, same result.
        email = MIMEMultipart("mixed")
        email["From"] = self.sender
        email["To"] = message.to
        email["Subject"] = str(Header(message.subject, "utf-8"))
        message_id = make_msgid(domain=self.sender.rpartition("@")[2] or "casework")
        email["Message-ID"] = message_id
        email["Date"] = formatdate(localtime=False)
        email.attach(MIMEText(message.text, "plain", "utf-8"))
        if message.ics is not None:
            calendar = MIMEText(message.ics.decode("utf-8"), "calendar", "utf-8")
            calendar.set_param("method", "PUBLISH")
            calendar.add_header("Content-Disposition", "attachment", filename="appointment.ics")
            email.attach(calendar)
        try:
            refused = self._connection().send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            raise DeliveryError(f"recipient refused: {_codes(error.recipients)}", permanent=True) from None
        except smtplib.SMTPResponseException as error:
            self.close()
            raise DeliveryError(
                f"SMTP {error.smtp_code}", permanent=500 <= error.smtp_code < 600 and error.smtp_code not in (552,)
            ) from None
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise DeliveryError(f"SMTP unavailable: {type(error).__name__}") from None
        if refused:
            raise DeliveryError(f"recipient refused: {_codes(refused)}", permanent=True)
        return message_id.strip("<>")[:64]

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._smtp = None


def _codes(recipients: Mapping[str, tuple[int, bytes]]) -> str:
    return ",".join(str(code) for code, _ in recipients.values())


class TwilioSmsChannel:
    """POST /2010-04-01/Accounts/{sid}/Messages.json with basic auth, as Twilio and its clones take
    it, over one kept-alive connection per sweep."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        base = urllib.parse.urlsplit(config["SMS_BASE_URL"])
        self.scheme, self.host, self.port = base.scheme, base.hostname or "", base.port
        self.prefix = base.path.rstrip("/")
        self.sid = config["SMS_ACCOUNT_SID"] or ""
        self.token = config["SMS_AUTH_TOKEN"] or ""
        self.sender = config["SMS_FROM"] or ""
        self.status_callback = config.get("SMS_STATUS_CALLBACK_URL")
        self.timeout = float(config.get("SMS_TIMEOUT", 15))
        self._connection: http.client.HTTPConnection | None = None

    def _open(self) -> http.client.HTTPConnection:
        if self._connection is None:
            if self.scheme == "https":
                self._connection = http.client.HTTPSConnection(
                    self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
                )
            else:
                self._connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._connection

    def _post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        # A kept-alive connection the server has since closed fails once; then a fresh one is tried.
        for attempt in (1, 2):
            connection = self._open()
            try:
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def send(self, message: Outgoing) -> str:
        fields = {"To": message.to, "From": self.sender, "Body": message.text}
        if self.status_callback:
            fields["StatusCallback"] = self.status_callback
        path = f"{self.prefix}/2010-04-01/Accounts/{urllib.parse.quote(self.sid)}/Messages.json"
        auth = base64.b64encode(f"{self.sid}:{self.token}".encode()).decode()
        headers = {"Authorization": f"Basic {auth}", "Content-Type": "application/x-www-form-urlencoded"}
        try:
            status, raw = self._post(path, urllib.parse.urlencode(fields).encode(), headers)
        except (http.client.HTTPException, OSError) as error:
            raise DeliveryError(f"SMS gateway unavailable: {type(error).__name__}") from None
        if status >= 400:
            # 4xx: the request itself is wrong (a bad number); 408, 429 and 5xx pass with time.
            permanent = status < 500 and status not in (408, 429)
            raise DeliveryError(f"SMS gateway HTTP {status}", permanent=permanent)
        try:
            sid = str(json.loads(raw or b"{}").get("sid") or "")
        except ValueError:
            sid = ""
        if not sid:
            raise DeliveryError("SMS gateway answered without a message id")
        return sid[:64]

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def twilio_signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """Twilio's request signature: HMAC-SHA1 of the URL followed by each POST field name and
    value in name order, base64-encoded."""
    payload = url + "".join(f"{name}{params[name]}" for name in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signature_matches(auth_token: str, url: str, params: Mapping[str, str], signature: str | None) -> bool:
    if not auth_token or not signature:
        return False
    return hmac.compare_digest(twilio_signature(auth_token, url, params), signature)


def email_channel(config: Mapping[str, Any]) -> Channel:
    return SmtpChannel(config) if config.get("MAIL_BACKEND") == "smtp" else OutboxChannel()


def sms_channel(config: Mapping[str, Any]) -> Channel:
    return TwilioSmsChannel(config) if config.get("SMS_BACKEND") == "twilio" else OutboxChannel()
