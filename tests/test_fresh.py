"""A fresh machine, as far as a test can make one: copy the tracked files to an empty folder and
run the README's two set-up commands there, exactly as written. A missing install step fails,
and so does a set-up that leaves `git status` dirty. The test command runs a smoke subset there:
the whole suite already runs here."""

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


def _readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = re.findall(r"```bash\n(.*?)```", readme, flags=re.S)[0]
    return [line.strip() for line in first.strip().splitlines()]


@pytest.mark.skipif(os.environ.get(NESTED) == "1", reason="already inside the fresh copy")
def test_readme_commands_work_on_a_fresh_copy(tmp_path: Path) -> None:
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
    defaults = [
        f"{fig}_t{t}.png" for fig in ("surface", "quiver", "contour") for t in ("1-0", "0-1")
    ]
    git = ["git", "-c", "user.name=swl-viz", "-c", "user.email=swl-viz@localhost"]
    for step in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "fresh copy"]):
        subprocess.run([*git, *step], cwd=copy, check=True, capture_output=True)

    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env[NESTED] = "1"
    env["PYTEST_ADDOPTS"] = "-q tests/test_options.py tests/test_maths.py"  # the smoke subset
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p
    )
    main_job, tests = _readme_commands()

    done = subprocess.run(["bash", "-c", main_job], cwd=copy, env=env, capture_output=True,
                          text=True, timeout=900)  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    for name in defaults:
        with Image.open(copy / "outputs" / name) as im:
            assert im.size in ((900, 900), (900, 800))
    status = subprocess.run(["git", "status", "--porcelain"], cwd=copy, capture_output=True,
                            text=True, check=True).stdout  # fmt: skip
    assert status == "", f"set-up changed tracked files:\n{status}"

    done = subprocess.run(["bash", "-c", tests], cwd=copy, env=env, capture_output=True,
                          text=True, timeout=1800)  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and " failed" not in done.stdout
