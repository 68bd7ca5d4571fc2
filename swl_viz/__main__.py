"""``python -m swl_viz`` and the ``swl-viz`` script: the command line, stoppable from the start.

Until the command line has loaded (numpy, Typer, Rich: a few tenths of a second), a Ctrl-C,
SIGTERM or SIGHUP ends swl-viz at once with 128 + the signal's number and no traceback:
nothing has been opened or written yet. After that the commands handle them.
"""

import os
import signal
import sys
from types import FrameType

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


def run() -> None:
    """The console entry point."""
    for signum in STOPS:
        signal.signal(signum, _stop_quietly)
    _check_backend()
    from swl_viz.cli import main

    signal.signal(signal.SIGINT, signal.default_int_handler)
    for signum in STOPS[1:]:
        signal.signal(signum, signal.SIG_DFL)
    sys.exit(main())


if __name__ == "__main__":
    run()
