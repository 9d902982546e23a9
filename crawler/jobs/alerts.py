"""Alerts: tell people when a run's monitors fail, by webhook and/or email.

Configured once, from a TOML file and environment variables (the variables win):

    # <user config dir>/maskscreen/alerts.toml, or the file MASKSCREEN_ALERTS_FILE names
    [webhook]
    url = "https://hooks.slack.com/services/…"      # MASKSCREEN_ALERT_WEBHOOK
    [email]
    host = "smtp.example.org"                       # MASKSCREEN_SMTP_HOST
    port = 587                                      # MASKSCREEN_SMTP_PORT (default 25)
    starttls = true                                 # MASKSCREEN_SMTP_STARTTLS (1/true)
    ssl = false                                     # MASKSCREEN_SMTP_SSL (SMTP over TLS)
    username = "maskscreen"                         # MASKSCREEN_SMTP_USER
    password = "…"                                  # MASKSCREEN_SMTP_PASSWORD
    from = "maskscreen@example.org"                 # MASKSCREEN_ALERT_FROM
    to = ["trust-safety@example.org"]               # MASKSCREEN_ALERT_TO (comma-separated)

The webhook gets a JSON POST with a "text" field (what Slack-style incoming webhooks
show) and the run's details beside it. A channel that fails is logged (without its
secrets) and never fails the crawl. Secrets never appear in messages: `describe()`
shows the webhook's host only, and no password.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import tomllib
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

ENV = {
    "MASKSCREEN_ALERT_WEBHOOK": ("webhook", "url"), "MASKSCREEN_SMTP_HOST": ("email", "host"),
    "MASKSCREEN_SMTP_PORT": ("email", "port"), "MASKSCREEN_SMTP_STARTTLS": ("email", "starttls"),
    "MASKSCREEN_SMTP_SSL": ("email", "ssl"), "MASKSCREEN_SMTP_USER": ("email", "username"),
    "MASKSCREEN_SMTP_PASSWORD": ("email", "password"), "MASKSCREEN_ALERT_FROM": ("email", "from"),
    "MASKSCREEN_ALERT_TO": ("email", "to"),
}  # fmt: skip
_KEYS = {"webhook": {"url": str}, "email": {
    "host": str, "port": int, "starttls": bool, "ssl": bool, "username": str, "password": str,
    "from": str, "to": list}}  # fmt: skip


class AlertConfigError(ValueError):
    """A malformed alert configuration: "SOURCE: field: reason", one line."""


@dataclass(frozen=True)
class AlertConfig:
    webhook_url: str | None = field(default=None, repr=False)
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    email_from: str | None = None
    email_to: tuple[str, ...] = ()
    timeout: float = 10.0

    @property
    def channels(self) -> list[str]:
        found = ["webhook"] if self.webhook_url else []
        return found + (["email"] if self.smtp_host and self.email_to else [])

    def describe(self) -> dict[str, Any]:
        """The configuration for people: no secrets (the webhook's host only)."""
        out: dict[str, Any] = {}
        if self.webhook_url:
            out["webhook"] = (
                f"{urlsplit(self.webhook_url).scheme}://{urlsplit(self.webhook_url).hostname}/…"
            )
        if self.smtp_host:
            out["email"] = (f"{', '.join(self.email_to) or '(no recipient)'} via "
                            f"{self.smtp_host}:{self.smtp_port}")  # fmt: skip
        return out


def default_alerts_file() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("maskscreen")) / "alerts.toml"


def _env_value(name: str, section: str, key: str, text: str) -> Any:
    kind = _KEYS[section][key]
    if kind is bool:
        return text.strip().lower() in ("1", "true", "yes", "on")
    if kind is int:
        try:
            return int(text)
        except ValueError:
            raise AlertConfigError(f"{name}: not a number: {text!r}") from None
    if kind is list:
        return [part.strip() for part in text.split(",") if part.strip()]
    return text


def configured_alerts(environ: Mapping[str, str] | None = None) -> AlertConfig:
    """The alerts configured once for this user: MASKSCREEN_ALERTS_FILE (else the user
    config file) and the environment's MASKSCREEN_ALERT_* / MASKSCREEN_SMTP_* variables."""
    environ = os.environ if environ is None else environ
    return load_alert_config(
        environ.get("MASKSCREEN_ALERTS_FILE") or default_alerts_file(), environ
    )


def load_alert_config(path: Path | str | None, environ: Mapping[str, str]) -> AlertConfig:
    """The alert settings from the file at `path` (if it exists) and `environ`."""
    data: dict[str, dict[str, Any]] = {"webhook": {}, "email": {}}
    if path is not None and Path(path).is_file():
        try:
            parsed = tomllib.loads(Path(path).read_text("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise AlertConfigError(f"{path}: file: {exc}") from None
        for section, values in parsed.items():
            if section not in _KEYS or not isinstance(values, dict):
                raise AlertConfigError(f"{path}: {section}: unknown section (webhook, email)")
            for key, value in values.items():
                kind = _KEYS[section].get(key)
                if kind is None:
                    raise AlertConfigError(f"{path}: {section}.{key}: unknown key")
                if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                    raise AlertConfigError(f"{path}: {section}.{key}: expected {kind.__name__}")
                data[section][key] = value
    for name, (section, key) in ENV.items():
        if environ.get(name):
            data[section][key] = _env_value(name, section, key, environ[name])
    web, mail = data["webhook"], data["email"]
    if web.get("url") and urlsplit(web["url"]).scheme not in ("http", "https"):
        raise AlertConfigError("webhook.url: not an http(s) URL")
    recipients = tuple(str(to) for to in mail.get("to", ()))
    if mail.get("host") and not recipients:
        raise AlertConfigError("email.to: an SMTP host needs at least one recipient")
    return AlertConfig(
        webhook_url=web.get("url"), smtp_host=mail.get("host"),
        smtp_port=mail.get("port", 465 if mail.get("ssl") else 25),
        smtp_starttls=mail.get("starttls", False), smtp_ssl=mail.get("ssl", False),
        smtp_user=mail.get("username"), smtp_password=mail.get("password"),
        email_from=mail.get("from") or "maskscreen@localhost", email_to=recipients,
    )  # fmt: skip


def post_webhook(config: AlertConfig, text: str, details: dict[str, Any]) -> None:
    body = json.dumps({"text": text, **details}, ensure_ascii=False, default=str).encode()
    request = urllib.request.Request(
        config.webhook_url, data=body, method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "maskscreen-alerts"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=config.timeout) as response:
        response.read()


def send_email(config: AlertConfig, text: str) -> None:
    message = EmailMessage()
    message["Subject"] = text.splitlines()[0][:200]
    message["From"] = config.email_from
    message["To"] = ", ".join(config.email_to)
    message.set_content(text)
    smtp_class = smtplib.SMTP_SSL if config.smtp_ssl else smtplib.SMTP
    with smtp_class(config.smtp_host, config.smtp_port, timeout=config.timeout) as smtp:
        if config.smtp_starttls and not config.smtp_ssl:
            smtp.starttls()
        if config.smtp_user:
            smtp.login(config.smtp_user, config.smtp_password or "")
        smtp.send_message(message)


def send_alert(config: AlertConfig, text: str, details: dict[str, Any] | None = None) -> list[str]:
    """Send on every configured channel; the channels that took it. Never raises."""
    sent = []
    senders = {"webhook": lambda: post_webhook(config, text, details or {}),
               "email": lambda: send_email(config, text)}  # fmt: skip
    for channel in config.channels:
        try:
            senders[channel]()
        except Exception as exc:  # noqa: BLE001 (an alert never fails the run)
            # Only the exception's class and reason: a webhook URL is itself a secret.
            reason = getattr(exc, "reason", None) or getattr(exc, "code", None) or exc
            if channel == "webhook" and config.webhook_url and config.webhook_url in str(reason):
                reason = type(exc).__name__
            logger.error(
                "alert by %s failed (%s: %s); the run is kept as it is",
                channel,
                type(exc).__name__,
                reason,
            )
            continue
        sent.append(channel)
    return sent
