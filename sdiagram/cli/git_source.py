"""Reading blueprints from git for `sdiagram diff`: `REV:PATH` arguments and the
blueprints changed since a base ref. Only `git` subprocesses, never a shell."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass

from ..diagnostics import BlueprintError, Diagnostic
from ..model import Blueprint

GIT_TIMEOUT = 120.0
BLUEPRINT_SUFFIXES = (".yaml", ".yml")
_BLUEPRINT_MARK = re.compile(r"^sdiagram\s*:", re.MULTILINE)


class GitError(Exception):
    """git is missing, the folder is no repository, or a revision or path does not exist."""


def git(*args: str, cwd: str | None = None) -> bytes:
    """stdout of `git ARGS`; raises GitError with git's own message."""
    environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "LC_ALL": "C"}
    try:
        done = subprocess.run(["git", "--no-pager", *args], cwd=cwd, capture_output=True, timeout=GIT_TIMEOUT,
                              env=environment, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise GitError("git is not installed (needed for REV:PATH and --base)") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {' '.join(args)} took longer than {GIT_TIMEOUT:.0f} s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[0] if message else f"git {args[0]} failed with status {done.returncode}")
    return done.stdout


def check_revision(revision: str) -> None:
    if not revision or revision.startswith("-"):
        raise GitError(f"'{revision}' is not a revision")


def repository_root() -> str:
    return git("rev-parse", "--show-toplevel").decode("utf-8", "replace").strip()


def read_blob(revision: str, path: str, max_bytes: int) -> str:
    """The text of PATH at REV (`git show REV:PATH`; PATH from the repository root,
    or from the working directory when it starts with ./ or ../)."""
    check_revision(revision)
    spec = f"{revision}:{path}"
    size = git("cat-file", "-s", spec).strip()
    if int(size or 0) > max_bytes:
        raise GitError(f"{spec}: {int(size):,} bytes, over the limit of {max_bytes:,} bytes")
    data = git("show", spec)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise GitError(f"{spec}: not UTF-8 text (byte {error.start})") from None


def local_path(path: str) -> str:
    """Where REV:PATH's file lives in the working tree (for custom icons next to it)."""
    if path.startswith(("./", "../")):
        return os.path.normpath(path)
    return os.path.join(repository_root(), path)


def compile_text(text: str, shown: str, base_path: str) -> Blueprint:
    """Parse and compile blueprint text. Positions and errors name `shown` (such as
    `main:blueprints/chat.yaml`); custom icons resolve next to `base_path`."""
    from ..compiler import compile_blueprint
    from ..yamlsource import parse_yaml

    def renamed(error: BlueprintError) -> BlueprintError:
        return BlueprintError(d._replace(path=shown, span=d.span._replace(path=shown) if d.span else None)
                              for d in error.diagnostics)

    try:
        document, problems = parse_yaml(text, base_path)
        blueprint = compile_blueprint(document, base_path, problems)
    except BlueprintError as error:
        raise renamed(error) from None
    return blueprint._replace(path=shown)


def is_blueprint_text(text: str) -> bool:
    """A YAML file is a blueprint when it has a top-level `sdiagram:` key."""
    return bool(_BLUEPRINT_MARK.search(text))


@dataclass(frozen=True)
class ChangedFile:
    """A YAML file that differs between the base and the working tree (paths from the repository root)."""

    status: str  # A, D, M, R (renamed: old_path != new_path)
    old_path: str | None
    new_path: str | None


def merge_base(reference: str) -> str:
    check_revision(reference)
    return git("merge-base", reference, "HEAD").decode().strip()


def changed_yaml_files(base: str, pathspecs: tuple[str, ...]) -> list[ChangedFile]:
    """YAML files changed between `base` and the working tree (untracked ones
    included), renames detected."""
    root = repository_root()
    specs = [os.path.relpath(os.path.abspath(p), root) for p in pathspecs]
    raw = git("diff", "--name-status", "-z", "--find-renames", base, "--", *specs, cwd=root)
    fields = raw.decode("utf-8", "surrogateescape").split("\0")
    found = []
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index][0]
        old: str | None
        if status in "RC":
            old, new = fields[index + 1], fields[index + 2]
            index += 3
        else:
            old = new = fields[index + 1]
            index += 2
        if status == "C":
            status, old = "A", None
        entry = ChangedFile(status, None if status == "A" else old, None if status == "D" else new)
        if any(p.endswith(BLUEPRINT_SUFFIXES) for p in (entry.old_path, entry.new_path) if p):
            found.append(entry)
    # new files not added to git yet are changes of the working tree too
    untracked = git("ls-files", "-z", "--others", "--exclude-standard", "--", *specs, cwd=root)
    for path in untracked.decode("utf-8", "surrogateescape").split("\0"):
        if path.endswith(BLUEPRINT_SUFFIXES):
            found.append(ChangedFile("A", None, path))
    return found


def diagnostic(path: str, message: str) -> BlueprintError:
    return BlueprintError([Diagnostic(path, message)])
