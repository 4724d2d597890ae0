"""Finding and reading project config files: `.sdiagram.yaml` (`lint:` key)
or `pyproject.toml` (`[tool.sdiagram.lint]`), the first found walking up from
the blueprint's folder. Every read is bounded (`sourcefile.read_bytes`).

A misplaced table or an unknown key is an error with a "did you mean", as it is
everywhere else: settings that are silently ignored are worse than none.
"""

from __future__ import annotations

import functools
import os
import re
from typing import Any, Mapping

from ...diagnostics import brief, did_you_mean, printable
from .layers import PROJECT_KEYS, ConfigError, ConfigLayer, layer_from_mapping

PROJECT_FILES = (".sdiagram.yaml", ".sdiagram.yml", "pyproject.toml")
# The keys of `[tool.sdiagram]` and of a `.sdiagram.yaml` file.
TOOL_KEYS = ("lint",)
_TOOL_TABLE = r"^\s*\[\s*tool\s*\.\s*[\"']?sdiagram\b"
_TOOL_HEADER = r"^\s*\[\s*tool\s*\]"


def find_project_config(start: str) -> str | None:
    """The first `.sdiagram.yaml`/`.yml`, or `pyproject.toml` with `[tool.sdiagram]`,
    in `start` (a folder) or any folder above it."""
    return _find_from(os.path.abspath(start))


@functools.lru_cache(maxsize=256)
def _find_from(folder: str) -> str | None:
    for name in PROJECT_FILES:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate) and (name != "pyproject.toml" or _has_sdiagram_table(candidate)):
            return candidate
    parent = os.path.dirname(folder)
    return None if parent == folder else _find_from(parent)


def project_config_for(blueprint_path: str) -> tuple[str | None, ConfigLayer | None]:
    """(config file, its settings) for a blueprint, found upward from its folder;
    (None, None) when there is none. The one way `lint` and `render --lint`
    find project config. Raises ConfigError."""
    config_path = find_project_config(os.path.dirname(os.path.abspath(blueprint_path)))
    return config_path, load_project_config(config_path) if config_path else None


def _read_text(path: str) -> str:
    from ...diagnostics import BlueprintError
    from ...sourcefile import read_source

    try:
        return read_source(path)
    except BlueprintError as error:
        raise ConfigError(str(error)) from None


def _read_toml(path: str, text: str | None = None) -> dict[str, Any]:
    try:
        import tomllib  # Python 3.11+
    except ModuleNotFoundError:  # pragma: no cover - Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ModuleNotFoundError:
            raise ConfigError(
                f"{path}: reading [tool.sdiagram] from pyproject.toml needs Python 3.11+ or the "
                "'tomli' package (pip install tomli); or move the settings to .sdiagram.yaml"
            ) from None
    try:
        return tomllib.loads(_read_text(path) if text is None else text)
    except ValueError as error:  # TOMLDecodeError, and integers Python cannot convert
        raise ConfigError(f"{path}: cannot read: {error}") from None
    except RecursionError:  # tomllib nests by recursion
        raise ConfigError(f"{path}: cannot read: arrays or tables nested too deep") from None


def _has_sdiagram_table(path: str) -> bool:
    try:
        text = _read_text(path)
    except ConfigError:
        return False
    # Parse only files that can hold the table: most pyproject.toml files do not,
    # and not importing tomllib keeps the lint start-up short.
    if "sdiagram" not in text:
        return False
    if not re.search(_TOOL_TABLE, text, re.MULTILINE) and not re.search(_TOOL_HEADER, text, re.MULTILINE):
        return False
    return "sdiagram" in _read_toml(path, text).get("tool", {})


@functools.lru_cache(maxsize=64)
def load_project_config(path: str) -> ConfigLayer:
    """Read the lint settings of a project config file; raises ConfigError."""
    if os.path.basename(path) == "pyproject.toml":
        table = _read_toml(path).get("tool", {}).get("sdiagram", {})
        if not isinstance(table, Mapping):
            raise ConfigError(f"{path}: [tool.sdiagram] must be a table")
        _check_top_level(path, [(key, None) for key in table], "[tool.sdiagram]", "[tool.sdiagram.lint]")
        return layer_from_mapping(table.get("lint", {}), f"{path} [tool.sdiagram.lint]")
    from ...diagnostics import BlueprintError
    from ...yamlsource import YMapping, load_yaml_file

    try:
        document, problems = load_yaml_file(path)
    except BlueprintError as error:
        raise ConfigError(str(error)) from None
    if problems:
        raise ConfigError("\n".join(str(problem) for problem in problems))
    if document is None:
        return ConfigLayer(path)
    if not isinstance(document, YMapping):
        raise ConfigError(f"{path}: must be a mapping with a 'lint' key")
    _check_top_level(path, [(key.value, key.span) for key, _ in document.entries], "this file", "a 'lint:' key")
    data = _plain(document)
    return layer_from_mapping(data.get("lint", {}) or {}, path)


def _check_top_level(path: str, keys: list[tuple[Any, Any]], where: str, lint_home: str) -> None:
    """Only TOOL_KEYS at the top; lint settings put one level too high get a pointed hint."""
    problems = []
    for key, span in keys:
        if key in TOOL_KEYS:
            continue
        normal = str(key).replace("_", "-")
        if normal in PROJECT_KEYS:
            hint = f"; lint settings go under {lint_home}"
        else:
            hint = did_you_mean(str(key), TOOL_KEYS) or f" (known: {', '.join(TOOL_KEYS)})"
        problems.append(printable(f"{span or path}: unknown key {brief(str(key), 60)} in {where}{hint}"))
    if problems:
        raise ConfigError("\n".join(problems))


def _plain(value: Any) -> Any:
    from ...yamlsource import YMapping, YScalar, YSequence

    if isinstance(value, YScalar):
        return value.value
    if isinstance(value, YSequence):
        return [_plain(item) for item in value.items]
    if isinstance(value, YMapping):
        return {key.value: _plain(item) for key, item in value.entries}
    return value
