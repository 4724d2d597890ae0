"""Loading blueprints from text and from standard input (`-` on the command line).

`compiler.load` reads a file; these are the two other ways in. Both go
through the same parser and compiler, with the same limits.
"""

from __future__ import annotations

import os
import sys
from typing import BinaryIO

from .diagnostics import BlueprintError, Diagnostic
from .model import Blueprint

STDIN = "-"
# How a blueprint read from standard input is named in messages (path:line:col).
STDIN_PATH = "<stdin>"
# Its output name when it has no `name:`.
STDIN_NAME = "stdin"


def loads(text: str, path: str = "<string>") -> Blueprint:
    """Parse and compile a blueprint given as text; raises BlueprintError.

    `path` is only used in messages and to find custom icon files (its folder,
    the current one by default). Without a `name:`, the blueprint is named
    after `path`'s stem, or 'blueprint' for the default.
    """
    from .compiler import compile_blueprint, max_file_size
    from .yamlsource import parse_yaml

    size = len(text.encode("utf-8", errors="surrogatepass"))
    limit = max_file_size()
    if size > limit:
        raise BlueprintError([Diagnostic(path, f"text is {size:,} bytes, over the limit of {limit:,} bytes")])
    document, problems = parse_yaml(text, path)
    blueprint = compile_blueprint(document, path, problems)
    if path.startswith("<") and blueprint.name == os.path.splitext(os.path.basename(path))[0]:
        blueprint = blueprint._replace(name=STDIN_NAME if path == STDIN_PATH else "blueprint")
    return blueprint


def read_stdin(stream: BinaryIO | None = None) -> bytes:
    """Standard input, bounded by the file size limit; BlueprintError when it is over."""
    from .compiler import max_file_size

    limit = max_file_size()
    data = (stream or sys.stdin.buffer).read(limit + 1)
    if len(data) > limit:
        raise BlueprintError([Diagnostic(STDIN_PATH, f"standard input is over the limit of {limit:,} bytes")])
    return data


def load_path(path: str, stdin: bytes | None = None) -> Blueprint:
    """A blueprint file, or standard input for `-` (pass its bytes when already read)."""
    if path != STDIN:
        from .compiler import load

        return load(path)
    data = read_stdin() if stdin is None else stdin
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BlueprintError([Diagnostic(STDIN_PATH, f"standard input is not UTF-8 text (byte {error.start})")]) from None
    return loads(text, STDIN_PATH)
