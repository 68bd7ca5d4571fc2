"""``python -m swl_viz`` and the ``swl-viz`` script: the command line, stoppable from the start,
and out at once when done.

Until the command line has loaded (numpy, Typer, Rich: a few tenths of a second), a Ctrl-C,
SIGTERM or SIGHUP ends swl-viz at once with 128 + the signal's number and no traceback:
nothing has been opened or written yet. After that the commands handle them.
"""

import importlib
import os
import signal
import sys
from types import FrameType, ModuleType
from typing import Any

STOPS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _stop_quietly(signum: int, frame: FrameType | None) -> None:
    os._exit(128 + signum)  # nothing is open yet: no file, no worker, no temporary folder


def _check_backend() -> None:
    """matplotlib refuses to load under an MPLBACKEND it does not know, whatever is drawn: say
    so in one line (swl-viz itself draws without a backend; only --show and explore use one)."""
    backend = os.environ.get("MPLBACKEND")
    if not backend:
        return
    try:
        import matplotlib  # noqa: F401
    except ValueError:
        print(
            f"swl-viz: MPLBACKEND={backend[:80]!r} is not a matplotlib backend: unset it, or set "
            "it to one such as agg or tkagg",
            file=sys.stderr,
        )
        os._exit(1)


class _Deferred(ModuleType):
    """A stand-in for a module that loads the real one when a name of it is first used."""

    def __init__(self, name: str, cls: str) -> None:
        super().__init__(name)
        module = self

        class StandIn:
            def __new__(cls_, *args: Any, **kwargs: Any) -> Any:
                return getattr(module._load(), cls)(*args, **kwargs)

        StandIn.__name__ = StandIn.__qualname__ = cls
        setattr(self, cls, StandIn)

    def _load(self) -> ModuleType:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return importlib.import_module(self.__name__)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system's questions (__path__, ...): a module
            raise AttributeError(name)
        return getattr(self._load(), name)


def _defer_rich_extras() -> None:
    """Typer's help module imports rich's Markdown and Traceback at its top, for markdown help
    and pretty tracebacks. swl-viz uses neither (its help is Rich markup, and main() turns every
    error into one line), and loading them (markdown-it, attrs) is about a third of --help's
    time. In the command line's own process only, they load when first used."""
    for name, cls in (("rich.markdown", "Markdown"), ("rich.traceback", "Traceback")):
        if name not in sys.modules:
            sys.modules[name] = _Deferred(name, cls)


def run() -> None:
    """The console entry point."""
    for signum in STOPS:
        signal.signal(signum, _stop_quietly)
    _check_backend()
    _defer_rich_extras()
    from swl_viz.cli import main

    signal.signal(signal.SIGINT, signal.default_int_handler)
    for signum in STOPS[1:]:
        signal.signal(signum, signal.SIG_DFL)
    sys.exit(main())


def _watched() -> bool:
    """Whether a tool that writes its results as Python exits is running: coverage, a tracer or
    profiler (sys.settrace / sys.setprofile), or from Python 3.12 one on sys.monitoring
    (cProfile, coverage's sysmon core, debuggers)."""
    if "coverage" in sys.modules or sys.gettrace() is not None or sys.getprofile() is not None:
        return True
    monitoring = getattr(sys, "monitoring", None)
    return monitoring is not None and any(monitoring.get_tool(i) for i in range(6))


def script() -> None:
    """The ``swl-viz`` script: :func:`run`, then out at once. When a command returns, every
    file it wrote is closed and in place, every worker reaped and both streams flushed; what
    the interpreter's teardown would still do is free the memory of the modules loaded, which
    once matplotlib is in takes 0.15-0.4 s, as long as a figure's drawing. Under coverage (or
    any tool that writes its results as Python exits) the teardown runs as usual."""
    try:
        run()
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        if _watched():
            raise
        for stream in (sys.stdout, sys.stderr):
            try:
                if stream is not None:
                    stream.flush()
            except (OSError, ValueError):
                code = code or 1
        os._exit(code)


if __name__ == "__main__":
    script()
