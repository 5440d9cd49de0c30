"""smtp_url and mail_from: what they accept, and how they refuse (never showing
the password)."""

from __future__ import annotations

import pytest

from dms.settings import SettingsError, SmtpServer, load_settings


def settings_from(tmp_path, **env: str):
    return load_settings(env={"DMS_INSTANCE_DIR": str(tmp_path), **env})


def smtp(tmp_path, url: str) -> SmtpServer:
    return settings_from(
        tmp_path, DMS_SMTP_URL=url, DMS_PUBLIC_URL="https://ppid.kota.go.id"
    ).smtp


def test_mail_is_not_configured_by_default(tmp_path):
    settings = settings_from(tmp_path)

    assert settings.smtp_url == ""
    assert settings.smtp is None
    assert settings.mail_from == "PPID <ppid@localhost>"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.kotamandiri.go.id", SmtpServer("mail.kotamandiri.go.id", 25)),
        ("smtp://127.0.0.1:2525", SmtpServer("127.0.0.1", 2525)),
        (
            "smtp://relay:587?starttls=true",
            SmtpServer("relay", 587, starttls=True),
        ),
        ("smtp://relay?starttls=false", SmtpServer("relay", 25)),
        ("smtps://relay", SmtpServer("relay", 465, implicit_tls=True)),
        (
            "smtps://ppid%40kota.go.id:r%40hasia%3A%2F@relay:4650",
            SmtpServer(
                "relay",
                4650,
                implicit_tls=True,
                username="ppid@kota.go.id",
                password="r@hasia:/",
            ),
        ),
        ("smtp://[::1]:25", SmtpServer("::1", 25)),
    ],
)
def test_smtp_url_names_the_server_port_tls_and_decoded_credentials(
    tmp_path, url, expected
):
    assert smtp(tmp_path, url) == expected


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("http://ppid:rahasia@relay", "must be smtp://"),
        ("relay:25", "must be smtp://"),
        ("smtp://ppid:rahasia@", "must be smtp://"),
        ("smtp://ppid:rahasia@relay:99999", "port must be a number"),
        ("smtp://ppid:rahasia@relay:dua", "port must be a number"),
        ("smtp://ppid:rahasia@relay/inbox", "takes no path"),
        ("smtp://ppid:rahasia@relay?tls=1", "only the option starttls"),
        ("smtp://ppid:rahasia@relay?starttls=mungkin", "true or false"),
        ("smtps://ppid:rahasia@relay?starttls=true", "TLS already"),
    ],
)
def test_a_bad_smtp_url_is_refused_without_showing_the_password(
    tmp_path, url, fragment
):
    with pytest.raises(SettingsError) as refused:
        settings_from(tmp_path, DMS_SMTP_URL=url)

    message = str(refused.value)
    assert fragment in message
    assert "smtp_url" in message
    assert "rahasia" not in message


def test_the_password_stays_out_of_the_settings_repr(tmp_path):
    settings = settings_from(
        tmp_path,
        DMS_SMTP_URL="smtp://ppid:rahasia@relay",
        DMS_PUBLIC_URL="https://ppid.kota.go.id",
    )

    assert "rahasia" not in repr(settings)
    assert "rahasia" not in repr(settings.smtp)


@pytest.mark.parametrize(
    "sender",
    [
        "ppid@kotamandiri.go.id",
        "PPID Kota Mandiri <ppid@kotamandiri.go.id>",
        '"PPID, Kota “Mandiri”" <ppid@kotamandiri.go.id>',
    ],
)
def test_mail_from_takes_an_address_with_or_without_a_name(tmp_path, sender):
    assert settings_from(tmp_path, DMS_MAIL_FROM=sender).mail_from == sender


@pytest.mark.parametrize(
    "sender",
    [
        "",
        "PPID",
        "PPID <ppid@>",
        "a@kota.go.id, b@kota.go.id",
        "PPID <ppid@kota.go.id>\nBcc: x@y.id",
    ],
)
def test_mail_from_refuses_anything_but_one_address(tmp_path, sender):
    with pytest.raises(SettingsError, match="mail_from must be one email address"):
        settings_from(tmp_path, DMS_MAIL_FROM=sender)


def test_mail_settings_come_from_overrides_too(tmp_path):
    settings = load_settings(
        {
            "instance_dir": tmp_path,
            "smtp_url": "smtp://127.0.0.1:2525",
            "public_url": "https://ppid.kota.go.id",
            "mail_from": "ppid@kota.go.id",
        },
        env={},
    )

    assert settings.smtp == SmtpServer("127.0.0.1", 2525)
    assert settings.mail_from == "ppid@kota.go.id"


def test_sending_mail_needs_the_portals_address_for_its_links(tmp_path):
    with pytest.raises(SettingsError) as refused:
        settings_from(tmp_path, DMS_SMTP_URL="smtp://127.0.0.1:2525")

    assert "public_url" in str(refused.value)
    assert "DMS_PUBLIC_URL" in str(refused.value)
