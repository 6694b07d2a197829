"""The app's layout: its rooms import only what their docstrings allow, every module imports
on its own, imports run one way, classes and page scripts stay small."""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "chatsessions"
MODULES = sorted(
    ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    for path in PACKAGE.rglob("*.py")
    if "migrations" not in path.parts
)


def _imports(module: str) -> set[str]:
    """Every chatsessions module that module imports, wherever the import statement is:
    at the top, inside a function, or under TYPE_CHECKING."""
    path = PACKAGE.parent.joinpath(*module.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            names = [target] + [f"{target}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found.update(name for name in names if name in MODULES and name != module)
    return found


def test_no_module_of_the_app_imports_itself_round_a_cycle():
    graph = {module: _imports(module) for module in MODULES}
    cycles = []

    def visit(module: str, path: list[str]) -> None:
        for imported in sorted(graph[module]):
            if imported in path:
                cycles.append(" -> ".join([*path[path.index(imported) :], imported]))
            elif imported not in done:
                visit(imported, [*path, imported])
        done.add(module)

    done: set[str] = set()
    for module in MODULES:
        if module not in done:
            visit(module, [module])
    assert not cycles, "import cycles:\n" + "\n".join(sorted(set(cycles)))


ROOMS = sorted(
    path.name
    for path in PACKAGE.iterdir()
    if (path / "__init__.py").exists() and path.name not in ("migrations", "management")
)
#: The top level's own modules that every room may build on; they import no room.
BASE = ("conf", "models", "signals")


def _allowed(room: str) -> set[str]:
    """What a room's docstring says it may import ("May import: conf, models, wire.")."""
    doc = importlib.import_module(f"chatsessions.{room}").__doc__ or ""
    found = re.search(r"May import: (.*?)\.\s*$", doc, re.S)
    assert found, f"chatsessions/{room}/__init__.py does not say what it may import"
    names = found.group(1).replace("\n", " ")
    return set() if names.strip() == "nothing of the app" else {n.strip() for n in names.split(",")}


def _room_of(module: str) -> str:
    """The room or the top-level module a module of the app belongs to."""
    return module.split(".")[1] if module != "chatsessions" else ""


def test_the_package_is_its_rooms_and_what_django_and_projects_name():
    """The top level holds what Django expects and the public paths a project imports."""
    top = sorted(path.stem for path in PACKAGE.glob("*.py"))
    assert top == [
        "__init__", "admin", "allauth", "apps", "auth", "bodies", "checks", "conf", "config", "context",
        "control", "element", "embed", "input_widget", "middleware", "models", "outbox", "pytest_plugin",
        "routing", "signals", "socket", "step", "sync", "types", "urls", "utils",
    ]  # fmt: skip
    # data/ is no room of ours: it is chainlit.data's path (handler_api holds the code).
    assert ROOMS == [
        "accounts",
        "data",
        "handler_api",
        "live",
        "storage",
        "templatetags",
        "testing",
        "web",
        "wire",
    ]


@pytest.mark.parametrize("room", ROOMS)
def test_each_room_imports_only_what_its_docstring_allows(room):
    allowed = _allowed(room) | {room}
    strays = {
        f"{module} imports {imported}"
        for module in MODULES
        if _room_of(module) == room
        for imported in _imports(module)
        if _room_of(imported) not in allowed and imported != "chatsessions"
    }
    assert not strays, sorted(strays)


@pytest.mark.parametrize("module", [f"chatsessions.{name}" for name in BASE])
def test_the_base_modules_import_no_room(module):
    assert {_room_of(imported) for imported in _imports(module)} <= set(BASE)


#: The paths the docs tell a project to import, and what each gives: moving the code
#: into rooms must not break a project's asgi.py, settings or own code.
PUBLIC_PATHS = {
    "chatsessions.auth": ["ChatAuthMiddlewareStack", "HeaderCallbackBackend", "PasswordCallbackBackend"],
    "chatsessions.bodies": ["RequestBodyLimit", "max_body_bytes"],
    "chatsessions.conf": ["get_config"],
    "chatsessions.embed": ["embed_token"],
    "chatsessions.context": ["context"],
    "chatsessions.sync": ["make_async", "run_sync"],
    "chatsessions.types": [
        "Feedback",
        "PageInfo",
        "PaginatedResponse",
        "Pagination",
        "ThreadDict",
        "ThreadFilter",
    ],
    "chatsessions.data": ["BaseDataLayer", "queue_until_user_message"],
    "chatsessions.data.utils": ["queue_until_user_message"],
    "chatsessions.socket": ["persist_user_session"],
    "chatsessions.config": ["ChainlitConfigOverrides", "FeaturesSettings", "McpFeature", "UISettings"],
    # chatsessions.allauth (OAuthCallbackAdapter) needs allauth installed: test_oauth.py.
    "chatsessions.step": ["Step", "StepDict", "step"],
    "chatsessions.element": ["CustomElement", "Element", "ElementDict", "Image", "Text"],
    "chatsessions.utils": ["utc_now"],
    "chatsessions.input_widget": [
        "Checkbox",
        "InputWidget",
        "NumberInput",
        "Select",
        "Slider",
        "Switch",
        "TextInput",
    ],
    "chatsessions.control": ["aend_chat", "asend_notice", "end_chat", "group_name", "send_notice"],
    "chatsessions.middleware": ["DatabaseUnavailableMiddleware", "HeaderAuthMiddleware"],
    "chatsessions.outbox": ["frames_in"],
    "chatsessions.routing": ["websocket_urlpatterns"],
    "chatsessions.signals": ["session_started", "session_ended", "message_received"],
    "chatsessions.testing": ["ChatClient", "SyncChatClient", "UploadRefused"],
    "chatsessions.urls": ["urlpatterns"],
}


@pytest.mark.parametrize("module", sorted(PUBLIC_PATHS))
def test_the_public_paths_still_give_their_names(module):
    imported = importlib.import_module(module)
    assert [name for name in PUBLIC_PATHS[module] if not hasattr(imported, name)] == []


def test_the_unit_tests_mirror_the_package():
    """tests/unit/<room>/test_<module>.py tests chatsessions/<room>/<module>.py."""
    unit = Path(__file__).resolve().parent
    strays = [
        str(path.relative_to(unit))
        for path in unit.rglob("test_*.py")
        if path.parent != unit
        and not (PACKAGE / path.parent.relative_to(unit) / f"{path.stem.removeprefix('test_')}.py").exists()
    ]
    assert not strays, f"unit tests of no module: {strays}"
    assert sorted(path.name for path in unit.glob("test_*.py")) == ["test_layout.py"]


def test_no_page_script_runs_past_400_lines():
    static = PACKAGE / "static" / "chatsessions"
    long = {
        path.name: count
        for path in static.glob("**/*.js")
        if "vendor" not in path.parts and (count := len(path.read_text().splitlines())) > 400
    }
    assert not long, long


@pytest.mark.parametrize("module", MODULES)
def test_each_module_imports_first_in_a_fresh_process(module):
    """Imported first, before any other module of the app, each one still imports."""
    code = f"import django; django.setup(); import importlib; importlib.import_module({module!r})"
    if module in ("chatsessions", "chatsessions.apps", "chatsessions.conf"):
        code = f"import importlib; importlib.import_module({module!r})"
    # The django-allauth adapter is imported by projects that install allauth.
    settings = (
        "tests.oauth_settings"
        if module in ("chatsessions.allauth", "chatsessions.accounts.oauth")
        else "tests.settings"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": settings, "PATH": ""},
        cwd=PACKAGE.parent,
    )
    assert result.returncode == 0, result.stderr


def test_no_class_of_the_app_runs_past_about_200_lines():
    """Docstrings and comments included; the largest (ChatClient, LiveChat) are 225-235."""
    long = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno + 1 > 240:
                long.append(f"{path.name}: {node.name} ({node.end_lineno - node.lineno + 1} lines)")
    assert not long, long


@pytest.mark.parametrize("first", ["from chatsessions.step import StepDict", "import chatsessions"])
def test_chainlits_module_paths_leave_the_decorators_of_the_same_name_alone(first):
    """chatsessions.step is a module (chainlit.step's path) and cl.step a decorator: an
    app that imports the module (Chainlit's data_layer app does) must not turn cl.step
    into it for every other app of the process."""
    code = f"{first}\nimport chatsessions.step\nimport chatsessions as cl\nassert callable(cl.step), cl.step"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PACKAGE.parent, timeout=60)
