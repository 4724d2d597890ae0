"""Icons: the ast-based resolver agrees with the diagrams classes themselves."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest

from sdiagram import icons
from sdiagram.catalog import KINDS, TECHS

CATALOG_ICONS = sorted({k.icon for k in KINDS.values()} | {t.icon for t in TECHS.values()})


def diagrams_icon_file(class_path: str) -> str:
    """The file diagrams itself would draw (what `Node._load_icon` computes)."""
    provider, category, name = class_path.split(".")
    cls = getattr(importlib.import_module(f"diagrams.{provider}.{category}"), name)
    package_parent = Path(importlib.import_module("diagrams").__file__).resolve().parent.parent
    return os.path.join(package_parent, cls._icon_dir, cls._icon)


@pytest.mark.parametrize("class_path", CATALOG_ICONS)
def test_every_catalog_icon_resolves_like_diagrams(class_path):
    icon = icons.resolve_class_path(class_path)
    assert os.path.realpath(icon.file) == os.path.realpath(diagrams_icon_file(class_path))
    assert os.path.isfile(icon.file)


@pytest.mark.parametrize("class_path", ["aws.database.DDB", "onprem.network.HAProxy", "aws.database.ElastiCache"])
def test_aliases_resolve(class_path):
    assert os.path.realpath(icons.resolve_class_path(class_path).file) == os.path.realpath(diagrams_icon_file(class_path))


def test_data_uri_is_cached_per_process():
    file = icons.resolve_class_path("onprem.inmemory.Redis").file
    first = icons.data_uri(file)
    assert first.startswith("data:image/png;base64,")
    assert icons.data_uri(file) is first
