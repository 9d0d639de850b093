"""`flet build` finds the client: [tool.flet.app] names a file that exists and starts app.main."""

import ast
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _flet_app() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["flet"]["app"]


def test_entry_module_exists_where_flet_build_looks():
    """Like flet-cli 1.0.5's validate_entry_point: <path>/<module stem>.py must exist."""
    app = _flet_app()
    entry = REPO / app.get("path", ".") / f"{Path(app.get('module', 'main')).stem}.py"
    assert entry.is_file(), f"flet build would stop: {entry.name} not found in the app folder"


def test_entry_module_runs_the_client_when_run_as_main():
    """The packaged app runs the entry as __main__: it must call app.main.run() then."""
    app = _flet_app()
    entry = REPO / app.get("path", ".") / f"{Path(app.get('module', 'main')).stem}.py"
    tree = ast.parse(entry.read_text())
    imports = {(n.module, a.name) for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
               for a in n.names}
    assert ("app.main", "run") in imports
    guarded_calls = [n for n in tree.body if isinstance(n, ast.If)
                     and "__main__" in ast.unparse(n.test) and "run()" in ast.unparse(n)]
    assert guarded_calls, "the entry must call run() under if __name__ == '__main__'"


def test_package_keeps_the_client_and_leaves_out_the_server():
    """What the phone package holds: app/, locales/, assets/, flet.toml; never the API or tests."""
    app = _flet_app()
    excluded = set(app.get("exclude", []))
    for needed in ("app", "locales", "assets", "flet.toml", "main.py"):
        assert needed not in excluded and (REPO / needed).exists(), needed
    for server_side in ("backend_stub", "tests", "benchmarks", "scripts", "webapp", ".cache"):
        assert server_side in excluded, f"{server_side} would ship inside the phone app"


def test_client_dependencies_are_pinned_like_requirements():
    """[project] dependencies (what flet build installs) pin the same versions as requirements.txt."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = dict(line.split("==", 1) for line in (REPO / "requirements.txt").read_text().split()
                if "==" in line and not line.startswith("#"))
    for dep in project:
        name, version = dep.split(";")[0].strip().split("==")  # a marker: where it is installed
        assert pins.get(name) == version, f"{name}: {version} vs requirements {pins.get(name)}"
