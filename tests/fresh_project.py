"""A new user's Django project: the package copied clean from this repository, installed
into a fresh virtualenv by a documented install block, then `startproject` and the
README's quickstart blocks applied. Shared by the quickstart's test and production's."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.documented import block
from tests.servers import ROOT

#: Where the docs' install blocks name the repository.
CLONE = "path/to/a/clone/of/this/repo"
#: What the tests and checks install, and the chart elements' libraries: a production
#: worker's virtualenv has none of it.
NOT_FOR_WORKERS = ("pytest", "playwright", "hypothesis", "mypy", "ruff", "matplotlib", "pandas", "boto3")


def run(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def clean_copy(source: Path) -> Path:
    """A copy of the package's sources in source, as a clone has them (no build/ or
    *.egg-info that setuptools left behind); returns source."""
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source)
    shutil.copytree(
        ROOT / "chatsessions", source / "chatsessions", ignore=shutil.ignore_patterns("__pycache__")
    )
    return source


def clean_environment() -> dict[str, str]:
    """This process's environment without the test run's settings and virtualenv: what a
    new shell on the machine has."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "VIRTUAL_ENV", "PYTHONPATH"))
    }


def fresh_project(folder: Path, install: str) -> tuple[Path, dict[str, str], Path]:
    """Installs the package with the install block's command, makes `myproject` with the
    quickstart's blocks; returns its folder, the environment of its virtualenv (as if
    activated, and nothing of this run's Django settings) and the virtualenv."""
    source = clean_copy(folder / "clone")
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = clean_environment()
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    run(["bash", "-c", f"set -e; {install.replace(CLONE, str(source))}"], folder, env)
    run([str(venv / "bin" / "django-admin"), "startproject", "myproject"], folder, env)
    root = folder / "myproject"
    package = root / "myproject"
    with open(package / "settings.py", "a") as settings:
        settings.write("\n" + block("settings"))
    (package / "asgi.py").write_text(block("asgi"))
    (package / "urls.py").write_text(block("urls"))
    (package / "chat.py").write_text(block("tests/test_fresh_project.py"))
    return root, env, venv
