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

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand

from swl_viz.errors import SwlVizError
from swl_viz.options import OPTIONS, Kind, Option, read_options

__all__ = [
    "Command",
    "complete_list",
    "given",
    "one_label",
    "read_given",
    "shown",
    "takes",
    "typer_option",
]

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


def complete_list(choices: Iterable[str], *, listed: bool = False) -> Callable[[str], list[str]]:
    """Shell completion of a value among ``choices``; ``listed``: a comma-separated list, whose
    last item is completed (``surface,con<TAB>``)."""
    names = tuple(choices)

    def complete(incomplete: str) -> list[str]:
        head, _, last = incomplete.rpartition(",") if listed else ("", "", incomplete)
        done = set(head.split(",")) if head else set()
        prefix = head + "," if head else ""
        return [prefix + c for c in names if c.startswith(last) and c not in done]

    return complete


def typer_option(row: Option, help: str | None = None) -> Any:
    """The typer.Option of a row: its flag (and --no- for a flag that is on), help, metavar,
    panel, and completion of its choices. ``help`` replaces the row's where a command reads
    the option its own way (data's --descent writes a path; it draws nothing)."""
    flag = f"{row.flag}/--no-{row.flag[2:]}" if row.default is True else row.flag
    return typer.Option(
        flag,
        help=(help or row.help) + shown(row.shown_default),
        metavar=row.metavar,
        show_default=False,
        rich_help_panel=row.panel,
        autocompletion=complete_list(row.choices) if row.choices else None,
    )


@functools.cache  # an option most commands share is built once, not once per command
def _parameter(row: Option, help: str | None = None) -> inspect.Parameter:
    parsed = list[str] if row.name in _REPEATED else _PARSED.get(row.kind, str)
    return inspect.Parameter(
        row.name,
        inspect.Parameter.KEYWORD_ONLY,
        default=None,  # not given: the declaration's default applies, in the library
        annotation=Annotated[parsed | None, typer_option(row, help)],
    )


def takes(names: Iterable[str], helps: Mapping[str, str] | None = None) -> Callable[[F], F]:
    """Give a command the declared options ``names``, before its own parameters (after a
    ``typer.Context``). The command receives them in ``**options``, None where not given.
    ``helps`` replaces the help of some, for a command that uses them its own way."""
    helps = helps or {}

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
        added = [_parameter(OPTIONS[name], helps.get(name)) for name in names]
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


class Command(TyperCommand):
    """A command whose "No such option" says which other commands take the option, when some
    do (``contour --frames``: surface, quiver and export take it, for a .gif turntable), rather
    than guessing at lookalikes that have nothing to do with it."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except typer.TyperException as exc:
            name = getattr(exc, "option_name", None)
            if name is None or not hasattr(exc, "possibilities") or ctx.parent is None:
                raise
            users = [
                cmd_name
                for cmd_name, cmd in getattr(ctx.parent.command, "commands", {}).items()
                if cmd_name != ctx.info_name
                and any(name in p.opts or name in p.secondary_opts for p in cmd.params)
            ]
            if users:
                row = OPTIONS.get(name.lstrip("-").replace("-", "_"))
                what = " for a .gif turntable" if row is not None and row.gif_only else ""
                take = "takes" if len(users) == 1 else "take"
                exc.message = (
                    f"No such option for {ctx.info_name}: {name}; {_and(users)} {take} it{what}"
                )
                exc.possibilities = None
            raise


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
