"""Alerts reach a webhook and an SMTP server on 127.0.0.1; a failing channel never raises."""

from __future__ import annotations

import logging

import pytest

from maskscreen.crawler.jobs.alerts import (
    AlertConfig,
    AlertConfigError,
    load_alert_config,
    send_alert,
)
from tests.ops.receivers import SMTPReceiver, WebhookReceiver, _free_port

TEXT = "maskscreen: 1 monitor(s) failed on the crawl of demo-shop (run 7)\n- listing_drop: …"


def test_the_webhook_gets_slack_style_json_with_text_and_details():
    with WebhookReceiver() as hook:
        sent = send_alert(
            AlertConfig(webhook_url=hook.url), TEXT, {"site": "demo-shop", "run_id": 7}
        )
    assert sent == ["webhook"]
    [post] = hook.posts
    assert post["text"] == TEXT and post["site"] == "demo-shop" and post["run_id"] == 7


def test_the_email_goes_through_smtp():
    with SMTPReceiver() as smtp:
        config = AlertConfig(
            smtp_host="127.0.0.1",
            smtp_port=smtp.port,
            email_from="maskscreen@example.org",
            email_to=("tns@example.org",),
        )
        assert send_alert(config, TEXT) == ["email"]
    [message] = smtp.messages
    assert message.rcpt_tos == ["tns@example.org"]
    body = message.content.decode()
    assert "Subject: maskscreen: 1 monitor(s) failed on the crawl of demo-shop (run 7)" in body
    assert "listing_drop" in body


def test_both_channels_at_once():
    with WebhookReceiver() as hook, SMTPReceiver() as smtp:
        config = AlertConfig(webhook_url=hook.url, smtp_host="127.0.0.1", smtp_port=smtp.port,
                             email_to=("a@example.org",))  # fmt: skip
        assert send_alert(config, TEXT) == ["webhook", "email"]


def test_an_unreachable_or_failing_channel_is_logged_without_its_secret(caplog):
    caplog.set_level(logging.ERROR, logger="maskscreen.crawler.jobs.alerts")
    dead = f"http://127.0.0.1:{_free_port()}/hooks/secret-token"
    config = AlertConfig(
        webhook_url=dead,
        smtp_host="127.0.0.1",
        smtp_port=_free_port(),
        email_to=("a@example.org",),
        smtp_password="hunter2",
        timeout=2,
    )
    assert send_alert(config, TEXT) == []
    assert "alert by webhook failed" in caplog.text and "alert by email failed" in caplog.text
    assert "secret-token" not in caplog.text and "hunter2" not in caplog.text
    with WebhookReceiver(status=500) as hook:
        assert send_alert(AlertConfig(webhook_url=hook.url), TEXT) == []


def test_config_from_file_then_environment(tmp_path):
    path = tmp_path / "alerts.toml"
    path.write_text('[webhook]\nurl = "https://hooks.example.org/T/B/secret"\n'
                    '[email]\nhost = "smtp.example.org"\nport = 587\nstarttls = true\n'
                    'password = "hunter2"\nto = ["a@example.org"]\n')  # fmt: skip
    config = load_alert_config(path, {"MASKSCREEN_ALERT_TO": "b@example.org, c@example.org",
                                      "MASKSCREEN_SMTP_PASSWORD": "from-env"})  # fmt: skip
    assert config.channels == ["webhook", "email"]
    assert config.smtp_port == 587 and config.smtp_starttls
    assert config.email_to == ("b@example.org", "c@example.org")
    assert config.smtp_password == "from-env"
    shown = f"{config!r} {config.describe()}"
    assert "secret" not in shown and "hunter2" not in shown and "from-env" not in shown
    assert config.describe()["webhook"] == "https://hooks.example.org/…"


def test_no_file_and_no_environment_means_no_channel(tmp_path):
    assert load_alert_config(tmp_path / "missing.toml", {}).channels == []


@pytest.mark.parametrize(
    ("text", "env", "message"),
    [('[webhook]\nurl = "ftp://x"\n', {}, "webhook.url: not an http(s) URL"),
     ('[email]\nhost = "smtp.example.org"\n', {}, "email.to: an SMTP host needs"),
     ('[email]\nport = "25"\n', {}, "email.port: expected int"),
     ('[slack]\nurl = "https://x"\n', {}, "slack: unknown section"),
     ("", {"MASKSCREEN_SMTP_PORT": "twenty-five"}, "MASKSCREEN_SMTP_PORT: not a number")],
)  # fmt: skip
def test_a_bad_config_is_one_line(tmp_path, text, env, message):
    path = tmp_path / "alerts.toml"
    path.write_text(text)
    with pytest.raises(AlertConfigError) as raised:
        load_alert_config(path, env)
    assert message in str(raised.value) and "\n" not in str(raised.value)
