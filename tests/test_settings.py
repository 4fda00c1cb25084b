"""Typed settings: one parser per kind, environment overrides, errors that name the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from geomap import settings
from geomap.exc import SettingsError


@pytest.mark.parametrize(
    ("name", "env", "expected"),
    [
        ("event_countries", "UA,RU", ("UA", "RU")),
        ("event_countries", " ua , ru ,", ("UA", "RU")),
        ("event_countries", "none", None),
        ("event_countries", "ALL", None),
        ("max_query_length", "1_000", 1000),
        ("max_alternatives", " 7 ", 7),
        ("standalone_population", "50000", 50000),
        ("spacy_model", "en_core_web_md", "en_core_web_md"),
        ("cache_dir", "/tmp/geomap-x", Path("/tmp/geomap-x")),
        ("gazetteer_dir", "~/gaz", Path("~/gaz").expanduser()),
    ],
)
def test_environment_text_is_parsed_by_kind(
    monkeypatch: pytest.MonkeyPatch, name: str, env: str, expected: object
) -> None:
    monkeypatch.setenv("GEOMAP_" + name.upper(), env)
    assert settings.get(name) == expected


def test_country_list_is_a_tuple_not_a_substring_test(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEOMAP_EVENT_COUNTRIES", "UA,RU")
    codes = settings.get_codes("event_countries")
    assert codes is not None and "UA" in codes and "A," not in codes and "U" not in codes


@pytest.mark.parametrize(
    ("name", "env"),
    [("max_query_length", "ten"), ("event_countries", "UA,Ukraine"), ("event_countries", "U1")],
)
def test_malformed_values_name_the_variable(monkeypatch: pytest.MonkeyPatch, name: str, env: str) -> None:
    monkeypatch.setenv("GEOMAP_" + name.upper(), env)
    with pytest.raises(SettingsError, match="GEOMAP_" + name.upper()):
        settings.get(name)


def test_attribute_assignment_is_read_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GEOMAP_MAX_ALTERNATIVES", raising=False)
    monkeypatch.setattr(settings, "max_alternatives", 2)
    assert settings.get_int("max_alternatives") == 2


@pytest.mark.parametrize(
    ("getter", "name"),
    [
        (settings.get_int, "spacy_model"),
        (settings.get_path, "max_query_length"),
        (settings.get_str, "cache_dir"),
        (settings.get_codes, "max_alternatives"),
    ],
)
def test_typed_getters_refuse_the_wrong_kind(getter: object, name: str) -> None:
    with pytest.raises(SettingsError):
        getter(name)  # type: ignore[operator]


def test_unknown_setting() -> None:
    with pytest.raises(SettingsError, match="unknown setting"):
        settings.get("no_such_setting")


def test_every_setting_has_a_parser() -> None:
    public = {n for n, v in vars(settings).items() if not n.startswith("_") and isinstance(v, (int, str, Path, tuple))}
    public -= {"annotations"}
    assert public <= set(settings.PARSERS)
