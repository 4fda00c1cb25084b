"""The public API: top-level names, the geocode function after every submodule is imported."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

import geomap


def test_top_level_geocode_survives_importing_every_submodule() -> None:
    for info in pkgutil.walk_packages(geomap.__path__, "geomap."):
        if info.name.endswith("__main__") or info.name == "geomap.runners.dask":
            continue
        importlib.import_module(info.name)
    assert callable(geomap.geocode)
    match = geomap.geocode("Kremenchuk").match
    assert match is not None and match.name == "Kremenchuk" and match.country_code == "UA"


def test_geocoder_class_and_function_side_by_side() -> None:
    from geomap import GazetteerGeocoder
    from geomap.geocoder import GazetteerGeocoder as Direct

    assert GazetteerGeocoder is Direct
    assert geomap.geocode("Mykolaiv").match is not None


@pytest.mark.parametrize("name", geomap.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(geomap, name) is not None
    assert name in dir(geomap)


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_thing"):
        _ = geomap.no_such_thing  # type: ignore[attr-defined]


def test_version_comes_from_the_package_metadata() -> None:
    from importlib.metadata import version

    assert geomap.__version__ == version("geomap")


def test_import_is_cheap() -> None:
    code = "import sys, geomap; print(sorted(m for m in ('spacy', 'geopandas', 'folium', 'numpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
