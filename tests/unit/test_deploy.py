"""Issue 18: the files in deploy/ agree with the settings and with each other:
the environment template lists every setting with a comment and loads; nginx's
body limit, internal download location and proxy headers match dms's settings;
the systemd units run commands that exist; the compose file has the whole
topology. `nginx -t` checks the site where Debian's nginx is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import fields
from pathlib import Path

import pytest

from dms.cli import main
from dms.settings import Settings, load_settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
ENV_LINE = re.compile(r"^#?(DMS_[A-Z_]+)=(.*)$")


def env_template() -> list[str]:
    return (DEPLOY / "dms.env.example").read_text().splitlines()


def active_env() -> dict[str, str]:
    return {
        match[1]: match[2].removeprefix('"').removesuffix('"')
        for line in env_template()
        if (match := ENV_LINE.match(line)) and not line.startswith("#")
    }


def nginx_site() -> str:
    return (DEPLOY / "nginx" / "dms.conf").read_text()


def test_the_environment_template_lists_every_setting_with_a_comment():
    lines = env_template()
    listed = {}
    for number, line in enumerate(lines):
        if match := ENV_LINE.match(line):
            listed[match[1]] = number
    settings = {f"DMS_{f.name.upper()}" for f in fields(Settings)} - {
        "DMS_INSTANCE_DIR"
    }

    assert settings | {"DMS_INSTANCE_DIR", "DMS_CONFIG"} == set(listed)
    for name, number in listed.items():
        above = lines[number - 1]
        assert above.startswith("# ") or ENV_LINE.match(above), name


def test_the_environment_template_loads_as_settings(tmp_path):
    env = {**active_env(), "DMS_INSTANCE_DIR": str(tmp_path)}

    settings = load_settings(env=env)

    assert settings.trusted_proxies == 1
    assert settings.cookie_secure is True
    assert settings.public_url.startswith("https://")
    assert settings.x_accel_redirect == "/_dms_objects/"
    assert settings.mail_from == "PPID <ppid@example.go.id>"


def test_the_admin_command_reads_the_template_as_systemd_does(tmp_path):
    # deploy/dms sources the file with sh: it must parse there too (quoted values).
    script = f"set -a; . {DEPLOY / 'dms.env.example'}; set +a; env"
    shown = subprocess.run(["sh", "-c", script], capture_output=True, text=True)

    assert shown.returncode == 0, shown.stderr
    assert "DMS_MAIL_FROM=PPID <ppid@example.go.id>" in shown.stdout.splitlines()


def test_nginx_takes_a_little_more_than_the_upload_limit():
    default_mb = load_settings({"secret_key": "x"}, env={}).max_upload_mb

    assert f"client_max_body_size {default_mb + 1}m;" in nginx_site()


def test_nginx_serves_downloads_only_from_an_internal_location_over_the_store():
    env = active_env()
    location = env["DMS_X_ACCEL_REDIRECT"]
    folder = env["DMS_STORAGE_URL"].removeprefix("file://")
    block = nginx_site().split(f"location {location} {{", 1)[1].split("}", 1)[0]

    assert "internal;" in block
    assert f"alias {folder}/;" in block


def test_nginx_replaces_the_forwarded_for_header_a_client_sends():
    site = nginx_site()

    assert "proxy_set_header X-Forwarded-For $remote_addr;" in site
    assert "$proxy_add_x_forwarded_for" not in site
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site


@pytest.mark.parametrize(
    "unit", ["dms-web.service", "dms-worker.service", "dms-backup.service"]
)
def test_the_systemd_units_read_the_template_and_run_real_commands(unit):
    text = (DEPLOY / "systemd" / unit).read_text()
    commands = re.findall(r"/opt/dms/\.venv/bin/dms (\w+)", text)

    assert "EnvironmentFile=/etc/dms/dms.env" in text
    assert commands
    assert set(commands) <= set(main.commands)


def test_the_backup_timer_runs_nightly():
    text = (DEPLOY / "systemd" / "dms-backup.timer").read_text()

    assert "OnCalendar=*-*-* 01:30:00" in text
    assert "Persistent=true" in text


def test_the_compose_file_has_the_whole_topology():
    yaml = pytest.importorskip("yaml")
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())

    assert set(compose["services"]) == {
        "postgres",
        "minio",
        "redis",
        "web",
        "worker",
        "nginx",
    }
    web = compose["services"]["web"]["environment"]
    assert web["DMS_TRUSTED_PROXIES"] == "1"
    assert web["DMS_STORAGE_URL"].startswith("s3://")
    assert web["DMS_X_ACCEL_REDIRECT"] == ""
    if has_docker_compose():
        subprocess.run(
            ["docker", "compose", "-f", str(DEPLOY / "compose.yaml"), "config", "-q"],
            check=True,
        )


def has_docker_compose() -> bool:
    if not shutil.which("docker"):
        return False
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True)
    return probe.returncode == 0


def test_debian_nginx_accepts_the_site(tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.skip("Debian's nginx is not installed (make nginx-deps)")
    trustme = pytest.importorskip("trustme")
    cert = trustme.CA().issue_cert("ppid.example.go.id")
    cert.private_key_pem.write_to_path(str(tmp_path / "key.pem"))
    cert.private_key_and_cert_chain_pem.write_to_path(str(tmp_path / "chain.pem"))
    site = (
        nginx_site()
        .replace(
            "/etc/letsencrypt/live/ppid.example.go.id/fullchain.pem",
            str(tmp_path / "chain.pem"),
        )
        .replace(
            "/etc/letsencrypt/live/ppid.example.go.id/privkey.pem",
            str(tmp_path / "key.pem"),
        )
    )
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{ include /etc/nginx/mime.types; include {tmp_path}/site.conf; }}\n"
    )

    checked = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
    )

    assert checked.returncode == 0, checked.stderr
