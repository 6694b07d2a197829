"""The repository builds a wheel and an sdist of the chatsessions app alone, with what it
needs at run time, that `twine check` passes (the package index's own checks of its
metadata and README), and whose version the changelog names."""

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.fresh_project import clean_copy
from tests.servers import ROOT


def build(folder: Path, *formats: str) -> Path:
    """Builds the package in formats ("--wheel", "--sdist") from a copy of its sources in
    folder (setuptools leaves build/ and *.egg-info beside them); returns the dist folder."""
    source = clean_copy(folder / "source")
    out = folder / "dist"
    command = [sys.executable, "-m", "build", *formats, "--no-isolation", "--outdir", str(out), str(source)]
    subprocess.run(command, check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory):
    [wheel] = build(tmp_path_factory.mktemp("build"), "--wheel").glob("chatsessions-*.whl")
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


def test_the_sdist_and_wheel_pass_twine_check_and_the_changelog_names_the_version(tmp_path):
    out = build(tmp_path, "--sdist", "--wheel")
    built = sorted(path.name for path in out.iterdir())
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert built == [f"chatsessions-{version}-py3-none-any.whl", f"chatsessions-{version}.tar.gz"]
    checked = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, out.iterdir())],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0 and checked.stdout.count("PASSED") == 2, checked.stdout + checked.stderr
    assert f"## {version}" in (ROOT / "docs" / "changelog.md").read_text()
    # The runtime extras the README's install and deployment steps name, each with what
    # a production site needs of it.
    with zipfile.ZipFile(out / built[0]) as archive:
        metadata = archive.read(f"chatsessions-{version}.dist-info/METADATA").decode()
    extras = {line.split(": ", 1)[1] for line in metadata.splitlines() if line.startswith("Provides-Extra: ")}
    assert extras >= {"daphne", "uvicorn", "redis", "postgres", "whitenoise", "s3", "testing"}, extras
    for needed, extra in [
        ("psycopg[binary]", "postgres"),
        ("dj-database-url", "postgres"),
        ("whitenoise", "whitenoise"),
    ]:
        assert any(
            line.startswith(f"Requires-Dist: {needed}") and f'extra == "{extra}"' in line
            for line in metadata.splitlines()
        ), (needed, extra)
