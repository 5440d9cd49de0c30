"""Configuration comes from one place, in one order, and refuses unknown keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from dms.settings import SettingsError, ensure_secret_key, load_settings


def test_the_embedded_defaults_need_no_server(tmp_path):
    settings = load_settings(env={"DMS_INSTANCE_DIR": str(tmp_path)})

    assert settings.database_url == f"sqlite:///{tmp_path}/dms.sqlite3"
    assert settings.storage_url == f"file://{tmp_path}/objects"
    assert settings.index_dir == tmp_path / "index"
    assert settings.queue_url == ""
    assert settings.max_upload_mb == 512
    assert settings.max_upload_bytes == 512 * 1024 * 1024
    assert settings.cuti_bersama_day_off is True
    assert settings.timezone == "Asia/Jakarta"
    assert settings.password_hash == "scrypt"


def test_env_overrides_the_config_file_which_overrides_the_defaults(tmp_path):
    config = tmp_path / "dms.toml"
    config.write_text('max_upload_mb = 64\nstorage_url = "memory://"\n')

    settings = load_settings(
        env={
            "DMS_INSTANCE_DIR": str(tmp_path),
            "DMS_CONFIG": str(config),
            "DMS_MAX_UPLOAD_MB": "128",
        }
    )

    assert settings.max_upload_mb == 128
    assert settings.storage_url == "memory://"


def test_test_overrides_win_over_everything(tmp_path):
    settings = load_settings(
        {"max_upload_mb": 2, "instance_dir": tmp_path}, env={"DMS_MAX_UPLOAD_MB": "128"}
    )

    assert settings.max_upload_mb == 2
    assert settings.instance_dir == tmp_path


def test_the_settings_are_frozen(tmp_path):
    settings = load_settings(env={"DMS_INSTANCE_DIR": str(tmp_path)})

    with pytest.raises(AttributeError):
        settings.max_upload_mb = 1


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DMS_STORAGE_PATH": "/x"}, "unknown setting"),
        ({"DMS_MAX_UPLOAD_MB": "banyak"}, "whole number"),
        ({"DMS_MAX_UPLOAD_MB": "0"}, "positive"),
        ({"DMS_CONFIG": "/nonexistent/dms.toml"}, "cannot read"),
        ({"DMS_CUTI_BERSAMA_DAY_OFF": "kadang"}, "true or false"),
        ({"DMS_CUTI_BERSAMA_DAY_OFF": ""}, "true or false"),
        ({"DMS_TIMEZONE": "Asia/Bandung"}, "IANA time zone"),
        ({"DMS_TIMEZONE": "../../etc/passwd"}, "IANA time zone"),
        ({"DMS_TIMEZONE": ""}, "IANA time zone"),
        ({"DMS_PUBLIC_URL": "ppid.example.go.id"}, "http:// or https://"),
        ({"DMS_PUBLIC_REQUEST_LOG": "mungkin"}, "true or false"),
        ({"DMS_SEARCH_TIME_LIMIT_SECONDS": "sebentar"}, "a number"),
        ({"DMS_SEARCH_TIME_LIMIT_SECONDS": "0"}, "positive"),
        ({"DMS_SEARCH_TIME_LIMIT_SECONDS": "inf"}, "positive"),
        ({"DMS_SEARCH_TIME_LIMIT_SECONDS": "nan"}, "positive"),
        ({"DMS_SEARCH_CONCURRENCY_PER_ADDRESS": "0"}, "positive"),
        ({"DMS_SEARCH_ENGINE": "elasticsearch"}, "one of whoosh, tantivy"),
        ({"DMS_SEARCH_ENGINE": ""}, "one of whoosh, tantivy"),
        ({"DMS_INDEX_SYNC_SECONDS": "0"}, "positive"),
        ({"DMS_PASSWORD_HASH": "md5"}, "scrypt or pbkdf2:sha256"),
        ({"DMS_PASSWORD_HASH": "pbkdf2:sha256:0"}, "scrypt or pbkdf2:sha256"),
        ({"DMS_PASSWORD_HASH": ""}, "scrypt or pbkdf2:sha256"),
    ],
)
def test_bad_configuration_is_refused_with_a_clear_message(tmp_path, env, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(env={"DMS_INSTANCE_DIR": str(tmp_path), **env})


def test_an_unknown_key_in_a_config_file_is_refused(tmp_path):
    config = tmp_path / "dms.toml"
    config.write_text("databse_url = 'typo'\n")

    with pytest.raises(SettingsError, match="databse_url"):
        load_settings(env={"DMS_CONFIG": str(config)})


def test_test_variables_are_not_settings(tmp_path):
    settings = load_settings(
        env={
            "DMS_INSTANCE_DIR": str(tmp_path),
            "DMS_TEST_DATABASE_URL": "postgresql://x",
        }
    )

    assert settings.database_url.startswith("sqlite")


def test_a_secret_key_is_generated_once_and_kept(tmp_path):
    settings = load_settings(env={"DMS_INSTANCE_DIR": str(tmp_path)})

    first = ensure_secret_key(settings)
    second = ensure_secret_key(settings)

    assert first == second and len(first) == 64
    assert oct(Path(tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_a_configured_secret_key_is_used_as_given(tmp_path):
    settings = load_settings(
        env={"DMS_INSTANCE_DIR": str(tmp_path), "DMS_SECRET_KEY": "dari-lingkungan"}
    )

    assert ensure_secret_key(settings) == "dari-lingkungan"
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("true", True),
        ("1", True),
        ("yes", True),
        ("TRUE", True),
        ("false", False),
        ("0", False),
        ("no", False),
        (" No ", False),
    ],
)
def test_cuti_bersama_day_off_reads_yes_and_no_words_from_the_environment(
    tmp_path, word, value
):
    settings = load_settings(
        env={"DMS_INSTANCE_DIR": str(tmp_path), "DMS_CUTI_BERSAMA_DAY_OFF": word}
    )

    assert settings.cuti_bersama_day_off is value


def test_the_calendar_settings_come_from_a_config_file_too(tmp_path):
    config = tmp_path / "dms.toml"
    config.write_text('cuti_bersama_day_off = false\ntimezone = "Asia/Makassar"\n')

    settings = load_settings(
        env={"DMS_INSTANCE_DIR": str(tmp_path), "DMS_CONFIG": str(config)}
    )

    assert settings.cuti_bersama_day_off is False
    assert settings.timezone == "Asia/Makassar"


def test_a_timezone_that_is_not_a_string_in_a_config_file_is_refused(tmp_path):
    config = tmp_path / "dms.toml"
    config.write_text("timezone = 7\ncuti_bersama_day_off = 1\n")

    with pytest.raises(SettingsError, match="IANA time zone"):
        load_settings(
            env={"DMS_INSTANCE_DIR": str(tmp_path), "DMS_CONFIG": str(config)}
        )


def test_searches_have_a_time_limit_and_a_per_address_concurrency_by_default(
    tmp_path,
):
    settings = load_settings(env={"DMS_INSTANCE_DIR": str(tmp_path)})
    assert settings.search_time_limit_seconds == 5.0
    assert settings.search_concurrency_per_address == 2
    tuned = load_settings(
        env={
            "DMS_INSTANCE_DIR": str(tmp_path),
            "DMS_SEARCH_TIME_LIMIT_SECONDS": "1.5",
            "DMS_SEARCH_CONCURRENCY_PER_ADDRESS": "4",
        }
    )
    assert tuned.search_time_limit_seconds == 1.5
    assert tuned.search_concurrency_per_address == 4


def test_whoosh_stays_the_default_search_engine_and_tantivy_can_be_chosen(tmp_path):
    base = {"DMS_INSTANCE_DIR": str(tmp_path)}
    assert load_settings(env=base).search_engine == "whoosh"
    chosen = load_settings(env={**base, "DMS_SEARCH_ENGINE": "Tantivy"})
    assert chosen.search_engine == "tantivy"


@pytest.mark.parametrize("method", ["scrypt", "pbkdf2:sha256", "pbkdf2:sha256:1"])
def test_the_password_hash_method_is_read_from_the_environment(tmp_path, method):
    settings = load_settings(
        env={"DMS_INSTANCE_DIR": str(tmp_path), "DMS_PASSWORD_HASH": method}
    )

    assert settings.password_hash == method
