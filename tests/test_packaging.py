"""The repository builds a wheel of the chatsessions app alone, with what it needs at run time."""

import shutil
import subprocess
import sys
import zipfile

import pytest

from tests.servers import ROOT


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory):
    # Build from a copy: setuptools leaves build/ and *.egg-info beside the sources.
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source)
    shutil.copytree(
        ROOT / "chatsessions", source / "chatsessions", ignore=shutil.ignore_patterns("__pycache__")
    )
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    [wheel] = out.glob("chatsessions-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        entry_points = next(name for name in archive.namelist() if name.endswith("entry_points.txt"))
        ENTRY_POINTS.append(archive.read(entry_points).decode())
        return set(archive.namelist())


ENTRY_POINTS: list[str] = []


def test_the_wheel_holds_the_app_its_migrations_and_type_marker(wheel_names):
    for name in [
        "chatsessions/__init__.py",
        "chatsessions/live/consumers.py",
        "chatsessions/routing.py",
        "chatsessions/migrations/0001_initial.py",
        "chatsessions/py.typed",
    ]:
        assert name in wheel_names


def test_the_wheel_holds_every_file_of_the_app(wheel_names):
    shipped = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "chatsessions").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert shipped <= wheel_names


def test_the_wheel_leaves_out_the_demo_project_and_tests(wheel_names):
    assert not {name for name in wheel_names if name.startswith(("chatsite/", "tests/", "templates/"))}


def test_the_wheel_registers_the_pytest_plugin(wheel_names):
    assert "[pytest11]\nchatsessions = chatsessions.pytest_plugin" in ENTRY_POINTS[0]
