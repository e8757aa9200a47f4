"""Settings: command line > environment (CENTER_*) > config file > defaults.

The config file is ``center.ini`` in the user config dir (platformdirs), section
``[center]``; ``CENTER_CONFIG`` names another file (tests use a temp file).
"""

from __future__ import annotations

import configparser
import os
from dataclasses import dataclass
from pathlib import Path

from center.core.errors import ConfigError

APP = "door-knocking-center"
DEFAULTS: dict[str, str] = {
    "db_url": "",
    "pii_key_file": "",
    "lang": "zh_CN",
    "wall_pin": "",
    "tile_url": "",
}


def config_dir() -> Path:
    env = os.environ.get("CENTER_CONFIG_DIR")
    if env:
        return Path(env)
    import platformdirs  # only when a default path is needed

    return Path(platformdirs.user_config_dir(APP))


def data_dir() -> Path:
    env = os.environ.get("CENTER_DATA_DIR")
    if env:
        return Path(env)
    import platformdirs  # only when a default path is needed

    return Path(platformdirs.user_data_dir(APP))


def log_dir() -> Path:
    env = os.environ.get("CENTER_LOG_DIR")
    if env:
        return Path(env)
    import platformdirs  # only when a default path is needed

    return Path(platformdirs.user_log_dir(APP))


def config_file() -> Path:
    return Path(os.environ.get("CENTER_CONFIG") or config_dir() / "center.ini")


def _file_values() -> dict[str, str]:
    path = config_file()
    if not path.exists():
        return {}
    parser = configparser.ConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc}") from exc
    return dict(parser["center"]) if parser.has_section("center") else {}


@dataclass(frozen=True)
class Settings:
    db_url: str
    pii_key_file: Path
    lang: str
    wall_pin: str
    tile_url: str


def default_db_url() -> str:
    path = data_dir() / "center.sqlite3"
    return f"sqlite:///{path}"


def get(key: str, cli_value: str | None = None) -> str:
    """One setting by the precedence rule."""
    if cli_value:
        return cli_value
    env = os.environ.get(f"CENTER_{key.upper()}")
    if env:
        return env
    value = _file_values().get(key)
    if value:
        return value
    return DEFAULTS.get(key, "")


def load(db_url: str | None = None, lang: str | None = None) -> Settings:
    url = get("db_url", db_url) or default_db_url()
    key_file = get("pii_key_file") or str(config_dir() / "pii.key")
    return Settings(
        db_url=url,
        pii_key_file=Path(key_file),
        lang=get("lang", lang) or "zh_CN",
        wall_pin=get("wall_pin"),
        tile_url=get("tile_url"),
    )
