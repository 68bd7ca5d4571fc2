"""The declared options as a command's parameters: :func:`takes` gives a plain command function
the options it names, made from their rows, so Typer sees ordinary keyword parameters; and
:func:`read_given` reads what came back through the same rows.

A command is written with only its own parameters and ``**options``::

    @app.command("surface")
    @takes(options_for("surface"))
    def surface(out: Out = None, **options: Any) -> None: ...

and its ``--help``, parsing and completion follow the rows: flag, help, default, metavar and
panel. Typer, Rich and the standard library only.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, TypeVar

import typer

from swl_viz.errors import SwlVizError
from swl_viz.options import OPTIONS, Kind, Option, read_options

__all__ = ["given", "one_label", "read_given", "shown", "takes", "typer_option"]

F = TypeVar("F", bound=Callable[..., Any])

#: What Typer parses for each kind; the rows' readers do the rest, so errors name the option.
_PARSED: dict[Kind, Any] = {
    "float": float,
    "int": int,
    "bool": bool,
    "range": tuple[float, float],
}
#: The options given more than once: export draws one set of figures per label.
_REPEATED = {"t"}


def shown(default: str) -> str:
    """Help text's default, in Typer's own style (a string show_default gets parentheses)."""
    return f" [dim]\\[default: {default}][/]"


def typer_option(row: Option) -> Any:
    """The typer.Option of a row: its flag (and --no- for a flag that is on), help, metavar
    and panel."""
    flag = f"{row.flag}/--no-{row.flag[2:]}" if row.default is True else row.flag
    return typer.Option(
        flag,
        help=row.help + shown(row.shown_default),
        metavar=row.metavar,
        show_default=False,
        rich_help_panel=row.panel,
    )


def _parameter(row: Option) -> inspect.Parameter:
    parsed = list[str] if row.name in _REPEATED else _PARSED.get(row.kind, str)
    return inspect.Parameter(
        row.name,
        inspect.Parameter.KEYWORD_ONLY,
        default=None,  # not given: the declaration's default applies, in the library
        annotation=Annotated[parsed | None, typer_option(row)],
    )


def takes(names: Iterable[str]) -> Callable[[F], F]:
    """Give a command the declared options ``names``, before its own parameters (after a
    ``typer.Context``). The command receives them in ``**options``, None where not given."""

    def decorate(func: F) -> F:
        own = inspect.signature(func, eval_str=True).parameters.values()
        if not any(p.kind == inspect.Parameter.VAR_KEYWORD for p in own):
            raise TypeError(f"{func.__name__} needs **options to receive the declared options")
        context = [p for p in own if p.annotation is typer.Context]
        rest = [
            p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
            for p in own
            if p not in context and p.kind != inspect.Parameter.VAR_KEYWORD
        ]
        added = [_parameter(OPTIONS[name]) for name in names]
        func.__signature__ = inspect.Signature([*context, *added, *rest])  # type: ignore[attr-defined]
        return func

    return decorate


def given(options: Mapping[str, Any]) -> dict[str, Any]:
    """The options that were given (None: not given, so the declared default applies)."""
    return {name: value for name, value in options.items() if value is not None}


def one_label(options: dict[str, Any]) -> dict[str, Any]:
    """A figure's options with its one label: --t is repeated only for export."""
    labels = options.pop("t", None) or ()
    if len(labels) > 1:
        raise SwlVizError("takes one label here; export draws one set per label", param="t")
    if labels:
        options["t"] = labels[0]
    return options


def read_given(options: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """Options ``names``, read and checked by their rows: what was given, else the default."""
    read = read_options(one_label(given(options)))
    return {name: read.get(name, OPTIONS[name].default) for name in names}
