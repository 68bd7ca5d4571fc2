"""swl-viz at hostile sizes: each case under a 2 GB address-space limit, timed.

    python benchmarks/hostile.py           # every case, about a minute on 2 cores
    python benchmarks/hostile.py demo-2m   # only some cases, by name

Each case is one command on one input too large, or as large as allowed: a demo batch of
millions of rows, a shared-scale deck of 2,000 figures, a deck that is a link to /dev/zero or a
FIFO, a 3 GB file to replace, the data of a 16-million-point grid. Each must refuse or finish
with the status it names, without a MemoryError, within 30 s, and (where it says) within a
peak memory. Prints a table; exits 1 on any miss. tests/test_hostile.py runs the same cases
for their outcome (no timing there: shared machines are noisy).
"""

from __future__ import annotations

import os
import pickle
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

PY = sys.executable
SWL = [PY, "-m", "swl_viz"]
#: The address space every case runs in.
LIMIT_BYTES = 2 << 30
#: How long a case may take to refuse or finish.
SECONDS = 30.0
#: What the README promises for data files: under half a GiB.
HALF_GIB = 512 << 20


@dataclass(frozen=True)
class Case:
    name: str
    argv: list[str]
    code: int  # the exit status it must end with
    says: str = ""  # text its output must hold
    setup: Callable[[Path], None] = lambda folder: None
    max_rss: int | None = None  # bytes
    env: dict[str, str] = field(default_factory=dict)


def _batch(rows: int, k: int = 2) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        rng = np.random.default_rng(rows)
        np.save(folder / "a.npy", rng.normal(size=(rows, k)))
        np.save(folder / "t.npy", rng.integers(0, k, size=rows))

    return make


def _shared_deck(folder: Path) -> None:
    figures = "".join(
        f'[[figures]]\nfigure = "contour"\nstep = 0.1\nt = [{(n + 1) / 2001!r}, '
        f"{1 - (n + 1) / 2001!r}]\n"
        for n in range(2000)
    )
    (folder / "deck.toml").write_text("shared_scale = true\n" + figures)


def _dev_zero(folder: Path) -> None:
    (folder / "deck.toml").symlink_to("/dev/zero")


def _fifo(folder: Path) -> None:
    os.mkfifo(folder / "deck.toml")


def _huge_file(folder: Path) -> None:
    with (folder / "huge.png").open("wb") as fh:
        fh.truncate(3 << 30)  # sparse: no disk used


PLAN = textwrap.dedent(
    """
    from pathlib import Path
    from swl_viz.deck import plan_export
    targets = plan_export(out_dir=Path("out"), deck=Path("deck.toml"))
    zlims = {x.plot.zlim for x in targets}
    assert len(targets) == 2000 and len(zlims) == 1, zlims
    print("planned", len(targets), "with one scale", zlims.pop())
    """
)
REPLACE = textwrap.dedent(
    """
    from pathlib import Path
    from swl_viz.atomic import write_if_changed
    assert write_if_changed(Path("huge.png"), b"new")
    assert Path("huge.png").read_bytes() == b"new"
    print("replaced")
    """
)
DEMO = [*SWL, "demo", "--logits", "a.npy", "--labels", "t.npy"]
DECK = [*SWL, "export", "--deck", "deck.toml", "--out-dir", "out"]

CASES = [
    Case("demo-json-200k", [*DEMO, "--json"], 2, "more than 100,000 numbers", _batch(200_000)),
    Case("demo-2m", DEMO, 2, "more than 100,000 numbers", _batch(2_000_000)),
    Case("demo-table-20k", DEMO, 0, "19,990 more rows", _batch(20_000)),
    Case("demo-json-at-limit", [*DEMO, "--json"], 0, '"difference"', _batch(10_000, 10)),
    Case("deck-shared-2000", [PY, "-c", PLAN], 0, "with one scale", _shared_deck),
    Case("deck-dev-zero", DECK, 2, "not a regular file", _dev_zero),
    Case("deck-fifo", DECK, 2, "not a regular file", _fifo),
    Case("replace-3gb", [PY, "-c", REPLACE], 0, "replaced", _huge_file),
    Case(
        "data-npz-step-0.01",
        [*SWL, "data", "--step", "0.01", "--out", "x.npz"],
        0,
        "x.npz",
        max_rss=HALF_GIB,
    ),
]


@dataclass(frozen=True)
class Outcome:
    code: int | None  # None: killed at the time-out
    text: str
    seconds: float
    max_rss: int  # bytes

    def problems(self, case: Case, timed: bool) -> list[str]:
        out = []
        if self.code is None:
            out.append("did not end")
        elif self.code != case.code:
            out.append(f"status {self.code}, not {case.code}")
        if "MemoryError" in self.text or "Traceback" in self.text:
            out.append("MemoryError or traceback")
        if case.says not in self.text:
            out.append(f"does not say {case.says!r}")
        if case.max_rss is not None and self.max_rss > case.max_rss:
            out.append(f"peak {self.max_rss >> 20} MiB over {case.max_rss >> 20} MiB")
        if timed and self.seconds > SECONDS:
            out.append(f"{self.seconds:.1f} s, over {SECONDS:g} s")
        return out


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_case(case: Case, folder: Path, timeout: float) -> Outcome:
    """Run ``case`` in ``folder`` under the address-space limit, in a process of its own. Its
    peak memory is read from RUSAGE_CHILDREN: call this from a process with no other child
    (see :func:`isolated`)."""
    case.setup(folder)
    env = {**os.environ, "COLUMNS": "120", **case.env}
    start = time.perf_counter()
    with subprocess.Popen(
        case.argv, cwd=folder, env=env, preexec_fn=_limit,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    ) as proc:  # fmt: skip
        try:
            out, _ = proc.communicate(timeout=timeout)
            code: int | None = proc.returncode
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
            code = None
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss << 10
    return Outcome(code, out.decode("utf-8", "replace"), seconds, rss)


def main(names: list[str]) -> int:
    chosen = [c for c in CASES if not names or c.name in names]
    missed = []
    print(f"{'case':22} {'status':>6} {'seconds':>8} {'peak MiB':>9}  verdict")
    for case in chosen:
        with tempfile.TemporaryDirectory() as tmp:
            outcome = isolated(case, Path(tmp))
        problems = outcome.problems(case, timed=True)
        verdict = "ok" if not problems else "MISSED: " + "; ".join(problems)
        code = "-" if outcome.code is None else str(outcome.code)
        peak = outcome.max_rss >> 20
        print(f"{case.name:22} {code:>6} {outcome.seconds:8.1f} {peak:9d}  {verdict}", flush=True)
        if problems:
            missed.append(case.name)
    print(f"\n{len(chosen) - len(missed)} of {len(chosen)} cases within "
          f"{LIMIT_BYTES >> 30} GB and {SECONDS:g} s")  # fmt: skip
    return 1 if missed else 0


def isolated(case: Case, folder: Path, timeout: float = 4 * SECONDS) -> Outcome:
    """Run a case from a fresh process, so RUSAGE_CHILDREN's peak is this case's alone."""
    code = textwrap.dedent(
        f"""
        import pickle, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        import hostile
        case = next(c for c in hostile.CASES if c.name == {case.name!r})
        from pathlib import Path
        outcome = hostile.run_case(case, Path({str(folder)!r}), timeout={timeout!r})
        sys.stdout.buffer.write(pickle.dumps(outcome))
        """
    )
    done = subprocess.run([PY, "-c", code], capture_output=True, check=True)
    outcome: Outcome = pickle.loads(done.stdout)
    return outcome


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
