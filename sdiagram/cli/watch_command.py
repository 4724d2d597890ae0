"""`sdiagram watch`: a live preview that re-renders on save."""

from __future__ import annotations

import sys
import threading

import click

from .paths import blueprint_files

THEME_NAMES = ("light", "dark", "auto")


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--theme", type=click.Choice(THEME_NAMES), default="light", show_default=True)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default browser.")
@click.option("--exit-after", type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
              help="Stop after this many seconds (for scripts and tests).")
def watch(paths: tuple[str, ...], port: int, theme: str, open_browser: bool, exit_after: float | None) -> None:
    """Serve a live preview of blueprints on 127.0.0.1 that updates on every save.

    PATHS are blueprint files or folders (new blueprints in them show up too).
    The page shows each diagram with its lint findings beside it; an invalid
    blueprint shows its errors with positions, and the server keeps running.
    Ctrl+C stops it.
    """
    try:
        import watchfiles  # noqa: F401
    except ImportError:
        raise click.UsageError("`sdiagram watch` needs watchfiles: pip install 'sdiagram[watch]'") from None
    from ..watch import State, run

    files = _optional_files(paths)
    stop = threading.Event()
    if exit_after is not None:
        timer = threading.Timer(exit_after, stop.set)
        timer.daemon = True
        timer.start()

    def ready(url: str) -> None:
        click.echo(f"live preview: {url}  (Ctrl+C to stop)", err=False)
        sys.stdout.flush()
        if open_browser:
            import webbrowser

            webbrowser.open(url)

    try:
        run(files, list(paths), State(theme=theme), port, stop, lambda line: click.echo(line), ready)
    except OSError as error:
        click.echo(f"error: cannot serve on 127.0.0.1:{port}: {error.strerror or error}", err=True)
        sys.exit(2)


def _optional_files(paths: tuple[str, ...]) -> list[str]:
    """Folders may start empty: blueprints saved into them later show up."""
    try:
        return blueprint_files(paths)
    except click.BadParameter:
        return []
