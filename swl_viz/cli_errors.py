"""How the command line ends: every failure becomes one red line and an exit status.

Bad input is a usage error naming the option (exit 2), a failed run one line (exit 1), a stop
128 + the signal's number; never a traceback, unless SWL_VIZ_DEBUG=1. Library errors name a
parameter (``label_smoothing``); here it becomes its flag (``--label-smoothing``).
"""

from __future__ import annotations

import codecs
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import typer
from rich.console import Console

from swl_viz.errors import RunError, SwlVizError
from swl_viz.options import OPTIONS

__all__ = ["DEBUG", "err", "error_line", "errors", "out", "print_path", "run", "shorten", "spelled"]

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)
DEBUG = "SWL_VIZ_DEBUG"


def flag(param: str) -> str:
    """The option that carries a library parameter: label_smoothing -> --label-smoothing."""
    return OPTIONS[param].flag if param in OPTIONS else "--" + param.replace("_", "-")


def spelled(exc: SwlVizError) -> str:
    """``exc``'s message as the command line says it: the parameters it mentions written as
    their options (``loss focal`` -> ``--loss focal``), and without a leading ``gamma:`` that
    names its own parameter for a library caller (the line names the option already)."""
    message = str(exc)
    if exc.param is not None and message.startswith(f"{exc.param}: "):
        message = message[len(exc.param) + 2 :]
    for name in exc.mentions:
        message = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", flag(name), message)
    return message


#: Longest quoted value an error repeats in full (a long path still fits); a longer one is
#: cut to its two ends, its length given.
QUOTE_CHARS = 200
_QUOTED = re.compile(
    r"(?<![\w'\"])(?:'[^'\n]{N,}'|\"[^\"\n]{N,}\")(?![\w'\"])".replace("N", str(QUOTE_CHARS))
)


def shorten(message: str) -> str:
    """``message`` with every quoted value longer than QUOTE_CHARS cut to its two ends and its
    length: a 500 KB --theme gives one short line, not a 500 KB one."""

    def cut(match: re.Match[str]) -> str:
        text = match.group()
        q, inner = text[0], text[1:-1]
        if len(inner) <= QUOTE_CHARS:
            return text
        half = QUOTE_CHARS // 2 - 2
        return f"{q}{inner[:half]}…{inner[-half:]}{q} ({len(inner):,} characters)"

    return _QUOTED.sub(cut, message)


def error_line(message: str) -> None:
    from rich.markup import escape

    err.print(f"[bold red]Error:[/] {escape(shorten(message))}", markup=True)


def print_path(path: os.PathLike[str] | str) -> None:
    """Print a path exactly as it is named on disk, on a line of its own: never read as markup,
    its control characters and undecodable bytes kept (see :func:`_usable_streams`)."""
    sys.stdout.write(os.fspath(path) + "\n")


def _fail(message: str, code: int) -> NoReturn:
    error_line(message)
    raise typer.Exit(code)


#: Most lines a deck's problems take; past it, the count of the rest.
MAX_PROBLEMS = 10


@contextmanager
def errors() -> Iterator[None]:
    """Bad input -> a usage error naming the option (exit 2); a failed run -> one red line (1)."""
    from swl_viz.atomic import Interrupted
    from swl_viz.deck import DeckError

    try:
        yield
    except Interrupted as exc:  # SIGINT, SIGTERM or SIGHUP while files were being written
        done, total = getattr(exc, "done", None), getattr(exc, "total", None)  # an export's
        counted = f": {done} of {total} files written" if total is not None else ""
        err.print(f"interrupted{counted}", markup=False)
        raise typer.Exit(exc.exit_code) from None
    except RunError as exc:
        _fail(f"{flag(exc.param)}: {spelled(exc)}" if exc.param else spelled(exc), 1)
    except DeckError as exc:
        lines = str(exc).splitlines()
        if len(lines) > MAX_PROBLEMS:  # the first few say what is wrong; the rest, how many
            more = len(lines) - MAX_PROBLEMS + 1
            lines = [*lines[: MAX_PROBLEMS - 1], f"… and {more:,} more problems"]
        *lines, last = lines
        for line in lines:
            error_line(line)
        _fail(last, 2)
    except SwlVizError as exc:
        if exc.param is None:
            _fail(spelled(exc), 2)
        raise typer.BadParameter(spelled(exc), param_hint=f"'{flag(exc.param)}'") from None


EXACT_OR_REPLACE = "swl_viz.exact_or_replace"


def _exact_or_replace(exc: UnicodeError) -> tuple[str | bytes, int]:
    """An encoding error handler: the bytes of a file name that are not UTF-8 (which Python
    holds as surrogates, U+DC80..U+DCFF) are written back as those bytes, as surrogateescape
    does; any other character the stream's encoding cannot show becomes '?'."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    text = exc.object[exc.start : exc.end]
    if all(0xDC80 <= ord(c) <= 0xDCFF for c in text):
        return bytes(ord(c) - 0xDC00 for c in text), exc.end
    return "?" * len(text), exc.end


codecs.register_error(EXACT_OR_REPLACE, _exact_or_replace)


def _usable_streams() -> None:
    """A closed stdout or stderr becomes /dev/null; a file name's undecodable bytes are written
    as they are, and a character the encoding cannot show (PYTHONIOENCODING=ascii) is replaced
    instead of failing."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
        elif hasattr(stream, "reconfigure"):
            stream.reconfigure(errors=EXACT_OR_REPLACE)


#: A usage error's status: Typer's errors carry theirs, 2 for usage and 1 for the rest.
USAGE = 2


def _usage_hint(exc: typer.TyperException, argv: list[str]) -> str:
    """Where to look: an option given two values names itself; otherwise, the command's -h."""
    extra = exc.format_message().partition("extra argument(s) (")[2].rstrip(")").split()
    if extra and extra[0] in argv:
        at = argv.index(extra[0])
        if at >= 2 and argv[at - 2].startswith("--"):
            return f"; {argv[at - 2]} takes one value"
    ctx: Any = getattr(exc, "ctx", None)  # the command the usage error is about
    return f" (see swl-viz {ctx.command_path.split(' ', 1)[-1]} -h)" if ctx and ctx.parent else ""


def _quiet_fonts() -> None:
    """A title no font can draw gets one line of warning (see cli_report.warn_font), not the
    lines matplotlib logs for every family it tries and every glyph it misses. Set by name, so
    matplotlib need not be imported; forked export workers inherit it."""
    import logging
    import warnings

    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from", category=UserWarning)
    warnings.filterwarnings(
        "ignore", message=r"Matplotlib currently does not support", category=UserWarning
    )


def run(app: typer.Typer, argv: list[str] | None) -> int:
    """Run ``app`` on ``argv``: its exit status, never a traceback (unless SWL_VIZ_DEBUG=1)."""
    _usable_streams()
    _quiet_fonts()
    try:
        result = app(args=argv, prog_name="swl-viz", standalone_mode=False)
        code = result if isinstance(result, int) else 0
    except typer.TyperException as exc:  # Typer's own errors: bad usage, or a failed run
        message = exc.format_message()
        if exc.exit_code == USAGE and message:  # one line, naming the option; help is -h away
            message += _usage_hint(exc, sys.argv[1:] if argv is None else argv)
        if message:  # (no arguments at all: the help is shown, and says it all)
            error_line(message)
        code = exc.exit_code
    except BrokenPipeError:  # a reader that left early, as `| head` does
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        code = 1
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        err.print("interrupted")
        code = 130
    except Exception as exc:  # the last guard: a bug still gets one readable line
        if os.environ.get(DEBUG) == "1":
            raise
        err.print(
            shorten(
                f"swl-viz: internal error: {type(exc).__name__}: {exc} "
                f"(set {DEBUG}=1 to see the traceback)"
            ),
            markup=False,
        )
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (BrokenPipeError, OSError, ValueError):  # a reader that left early, as `| head`
            code = code or 1
    return code
