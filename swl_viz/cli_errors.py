"""How the command line ends: every failure becomes one red line and an exit status.

Bad input is a usage error naming the option (exit 2), a failed run one line (exit 1), a stop
128 + the signal's number; never a traceback, unless SWL_VIZ_DEBUG=1. Library errors name a
parameter (``label_smoothing``); here it becomes its flag (``--label-smoothing``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import typer
from rich.console import Console

from swl_viz.errors import RunError, SwlVizError
from swl_viz.options import OPTIONS

__all__ = ["DEBUG", "err", "error_line", "errors", "out", "run"]

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)
DEBUG = "SWL_VIZ_DEBUG"


def flag(param: str) -> str:
    """The option that carries a library parameter: label_smoothing -> --label-smoothing."""
    return OPTIONS[param].flag if param in OPTIONS else "--" + param.replace("_", "-")


def error_line(message: str) -> None:
    from rich.markup import escape

    err.print(f"[bold red]Error:[/] {escape(message)}", markup=True)


def _fail(message: str, code: int) -> NoReturn:
    error_line(message)
    raise typer.Exit(code)


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
        _fail(f"{flag(exc.param)}: {exc}" if exc.param else str(exc), 1)
    except DeckError as exc:
        *lines, last = str(exc).splitlines()
        for line in lines:
            error_line(line)
        _fail(last, 2)
    except SwlVizError as exc:
        if exc.param is None:
            _fail(str(exc), 2)
        raise typer.BadParameter(str(exc), param_hint=f"'{flag(exc.param)}'") from None


def _usable_streams() -> None:
    """A closed stdout or stderr becomes /dev/null; an encoding that cannot show a character
    (PYTHONIOENCODING=ascii) replaces it instead of failing."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
        elif hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


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


def run(app: typer.Typer, argv: list[str] | None) -> int:
    """Run ``app`` on ``argv``: its exit status, never a traceback (unless SWL_VIZ_DEBUG=1)."""
    _usable_streams()
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
            f"swl-viz: internal error: {type(exc).__name__}: {exc} "
            f"(set {DEBUG}=1 to see the traceback)"
        )
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (BrokenPipeError, OSError, ValueError):  # a reader that left early, as `| head`
            code = code or 1
    return code
