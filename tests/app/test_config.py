"""Settings are read once, in ``app/config.py``; folders and the key file are made by ``create_app``."""

from __future__ import annotations

import pytest

from app import create_app
from app.config import ConfigError, build_config


def test_building_the_config_creates_nothing(tmp_path):
    instance = tmp_path / "instance"
    config = build_config({"INSTANCE_PATH": str(instance), "PROOF_RENDER_SECONDS": "12"})
    assert not instance.exists()
    assert config["SECRET_KEY"] is None and config["PROOF_RENDER_SECONDS"] == 12.0


def test_the_app_keeps_one_generated_key_in_its_instance_folder(tmp_path):
    env = {"INSTANCE_PATH": str(tmp_path / "instance"), "CELERY_EAGER": "1"}
    first, second = create_app(env=env), create_app(env=env)
    assert first.config["SECRET_KEY"] and first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o777 == 0o600


def test_a_given_key_writes_no_file(tmp_path):
    app = create_app(env={"INSTANCE_PATH": str(tmp_path), "CELERY_EAGER": "1", "SECRET_KEY": "k" * 40})
    assert app.config["SECRET_KEY"] == "k" * 40 and not (tmp_path / "secret_key").exists()


def test_production_without_a_key_refuses_to_start(tmp_path):
    with pytest.raises(ConfigError):
        build_config({"INSTANCE_PATH": str(tmp_path), "APP_ENV": "production"})
