"""A fresh machine, as far as a test can make one: copy the tracked files to an empty folder and
paste every command of the README's bash blocks there, in order, exactly as written. Each must
exit 0, and afterwards `git status` must be clean: everything they write lands under outputs/.
The test command runs a smoke subset there: the whole suite already runs here."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).parents[1]
NESTED = "SWL_VIZ_FRESH_NESTED"

pytestmark = pytest.mark.slow


def readme_commands() -> list[str]:
    """Every line of the README's bash blocks, in order, comments included."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", readme, flags=re.S)
    return [line.strip() for block in blocks for line in block.strip().splitlines()]


def _script(commands: list[str]) -> str:
    """One bash session, as a terminal would run the pasted lines: each line's status is
    printed after it, and the first failure stops the session."""
    lines = ["set -o pipefail"]
    for n, command in enumerate(commands):
        lines.append(command)
        lines.append(f'status=$?; echo "::status {n} $status"; [ "$status" -eq 0 ] || exit 1')
    return "\n".join(lines) + "\n"


@pytest.mark.skipif(os.environ.get(NESTED) == "1", reason="already inside the fresh copy")
def test_every_readme_command_works_in_order_on_a_fresh_copy(tmp_path: Path) -> None:
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("needs a git checkout to know which files are tracked")
    tracked = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, text=True, check=True
    ).stdout.split("\0")
    copy = tmp_path / "swl-viz"
    for name in filter(None, tracked):
        src = ROOT / name
        if src.is_file():
            dst = copy / name
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    git = ["git", "-c", "user.name=swl-viz", "-c", "user.email=swl-viz@localhost"]
    for step in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "fresh copy"]):
        subprocess.run([*git, *step], cwd=copy, check=True, capture_output=True)

    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env[NESTED] = "1"
    env["PYTEST_ADDOPTS"] = "-q tests/test_options.py tests/test_maths.py"  # the smoke subset
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p
    )
    env.pop("DISPLAY", None)  # no README command may need a window
    commands = readme_commands()
    done = subprocess.run(["bash", "-c", _script(commands)], cwd=copy, env=env,
                          capture_output=True, text=True, timeout=3600)  # fmt: skip
    statuses = re.findall(r"^::status (\d+) (\d+)$", done.stdout, flags=re.M)
    ran = len(statuses)
    failed = f"{commands[ran - 1]!r} failed" if ran and statuses[-1][1] != "0" else "stopped"
    assert ran == len(commands) and done.returncode == 0, (
        f"{failed}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )
    assert " passed" in done.stdout and " failed" not in done.stdout.replace(" 0 failed", "")

    for fig in ("surface", "quiver", "contour"):  # the main job: both labels
        for t in ("1-0", "0-1"):
            with Image.open(copy / "outputs" / f"{fig}_t{t}.png") as im:
                assert im.size in ((900, 900), (900, 800))
    status = subprocess.run(["git", "status", "--porcelain", "--ignored=no"], cwd=copy,
                            capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert status == "", f"the README's commands changed or added files:\n{status}"
    ignored = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=copy,
                             capture_output=True, text=True, check=True).stdout  # fmt: skip
    made = [line[3:] for line in ignored.splitlines()]
    tools = (".venv/", ".pytest_cache/", ".hypothesis/", "swl_viz.egg-info/", ".mypy_cache/")
    stray = [m for m in made if not m.startswith(("outputs/", *tools)) and "__pycache__" not in m]
    assert stray == [], f"written outside outputs/: {stray}"
    assert not [m for m in made if m.startswith("outputs/readme")], made  # the tracked pictures


def test_the_script_stops_at_the_first_failure_and_names_it(tmp_path: Path) -> None:
    done = subprocess.run(["bash", "-c", _script(["true", "false", "touch never"])],
                          cwd=tmp_path, capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 1
    assert re.findall(r"::status (\d+) (\d+)", done.stdout) == [("0", "0"), ("1", "1")]
    assert not (tmp_path / "never").exists()


@pytest.mark.skipif(os.environ.get(NESTED) == "1", reason="already inside the fresh copy")
def test_a_plain_install_elsewhere_prints_hints_that_work_there(tmp_path: Path) -> None:
    """`pip install .` (not -e) into a second environment, run from another folder: the install
    hints name packages, not a checkout's extras, and following the hint makes the command
    work."""
    venv = tmp_path / "venv"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    subprocess.run(["python3", "-m", "venv", str(venv)], check=True, env=env)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    done = subprocess.run([*pip, str(ROOT)], env=env, capture_output=True, text=True,
                          timeout=1200)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    elsewhere = tmp_path / "work"
    elsewhere.mkdir()
    swl = str(venv / "bin" / "swl-viz")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([swl, *args], cwd=elsewhere, env=env, capture_output=True,
                              text=True, timeout=600)  # fmt: skip

    page = run("surface", "--out", "s.html")
    assert page.returncode == 1, page.stderr
    assert "pip install plotly" in page.stderr and "-e" not in page.stderr, page.stderr
    ja = run("quiver", "--lang", "ja", "--dpi", "20")
    if ja.returncode != 0:  # no system CJK font: the hint names the package
        assert "pip install matplotlib-fontja" in ja.stderr and "'.[" not in ja.stderr
    hint = page.stderr.split("install it with ", 1)[1].split(" (")[0].split()
    assert hint[:2] == ["pip", "install"], hint
    done = subprocess.run([*pip, *hint[2:]], env=env, capture_output=True, text=True,
                          timeout=1200)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    page = run("surface", "--out", "s.html")
    assert page.returncode == 0 and (elsewhere / "s.html").stat().st_size > 100_000, page.stderr
