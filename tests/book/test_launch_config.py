"""Launch anywhere: the repository URL lives in _config.yml, and everything that needs it
(the Colab setup cell of every notebook, launch badges, Binder) agrees with it.

Covers every chapter automatically: notebooks are found with ``book/*.ipynb``.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
REPO_URL = CONFIG["repository"]["url"].rstrip("/")
BRANCH = CONFIG["repository"].get("branch", "main")
URL_RE = re.compile(r"^https://github\.com/(?P<owner>[A-Za-z0-9_.-]+)/(?P<repo>[A-Za-z0-9_.-]+)$")


def _owner_repo() -> tuple[str, str]:
    m = URL_RE.match(REPO_URL)
    assert m, f"repository.url in _config.yml must be https://github.com/OWNER/REPO, got {REPO_URL!r}"
    return m["owner"], m["repo"]


def _first_code_cell(path: Path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            return cell
    raise AssertionError(f"{path.name} has no code cell")


# ---------------------------------------------------------------- _config.yml


def test_config_has_repository_and_launch_buttons():
    _owner_repo()
    assert BRANCH == "main"
    assert CONFIG["repository"].get("path_to_book", "") == "", "notebooks live at book/ under the repo root"
    lb = CONFIG["launch_buttons"]
    assert lb["binderhub_url"].rstrip("/") == "https://mybinder.org"
    assert lb["colab_url"].rstrip("/") == "https://colab.research.google.com"
    assert lb.get("notebook_interface", "classic") in ("classic", "jupyterlab")


def test_notebooks_exist():
    assert NOTEBOOKS, "no book/*.ipynb found"


# ---------------------------------------------------------------- the Colab setup cell


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_setup_cell_installs_from_configured_repository(path):
    cell = _first_code_cell(path)
    src = cell.source
    ast.parse(src)  # valid Python
    assert "hide-input" in cell.metadata.get("tags", []), f"{path.name}: the setup cell must be tagged hide-input"
    assert re.search(r'importlib\.util\.find_spec\(\s*"toymodels_lib"\s*\)\s+is\s+None', src), (
        f"{path.name}: the setup cell must install only when toymodels_lib is not importable"
    )
    urls = re.findall(r"git\+(https://[^\s\"'@]+)(?:@([\w.\-/]+))?", src)
    assert urls, f"{path.name}: the setup cell must pip-install the library from git+{REPO_URL}@{BRANCH}"
    for url, ref in urls:
        assert url.rstrip("/").removesuffix(".git") == REPO_URL, (
            f"{path.name}: setup cell installs from {url}, but _config.yml's repository.url is {REPO_URL}"
        )
        assert ref == BRANCH, f"{path.name}: setup cell installs @{ref!r}, the configured branch is {BRANCH!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_setup_cell_never_upgrades_or_touches_torch(path):
    src = _first_code_cell(path).source
    for bad in ("-U", "--upgrade", "--force-reinstall", "--upgrade-strategy"):
        assert not re.search(rf"""["'\s]{re.escape(bad)}["'\s]""", src), f"{path.name}: setup cell uses {bad}"
    pip_lines = [ln for ln in src.splitlines() if "pip" in ln or "git+" in ln]
    assert not any(re.search(r"\btorch\b", ln) for ln in pip_lines), (
        f"{path.name}: the setup cell must not install torch (Colab's own torch is kept)"
    )


def _run_setup_cell(path: Path, monkeypatch, library_importable: bool) -> list:
    """Execute the notebook's first code cell with pip stubbed out; return the pip calls."""
    calls = []
    real_find_spec = importlib.util.find_spec

    def fake_find_spec(name, *args, **kwargs):
        if name == "toymodels_lib" and not library_importable:
            return None
        return real_find_spec(name, *args, **kwargs)

    def fake_run(cmd, *args, **kwargs):
        calls.append(list(cmd))
        return subprocess.CompletedProcess(cmd, 0)

    monkeypatch.setattr(importlib.util, "find_spec", fake_find_spec)
    monkeypatch.setattr(subprocess, "run", fake_run)
    monkeypatch.setattr(subprocess, "check_call", fake_run)
    monkeypatch.setattr(subprocess, "call", fake_run)
    exec(compile(_first_code_cell(path).source, f"{path.name}[setup]", "exec"), {"__name__": "__setup__"})
    return calls


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_setup_cell_does_nothing_when_library_installed(path, monkeypatch):
    assert _run_setup_cell(path, monkeypatch, library_importable=True) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_setup_cell_installs_library_on_colab(path, monkeypatch):
    calls = _run_setup_cell(path, monkeypatch, library_importable=False)
    assert len(calls) == 1, f"{path.name}: expected one pip call, got {calls}"
    cmd = calls[0]
    assert cmd[:4] == [sys.executable, "-m", "pip", "install"], cmd
    assert f"toymodels_lib @ git+{REPO_URL}@{BRANCH}" in cmd, cmd
    assert not {"-U", "--upgrade", "--force-reinstall"} & set(cmd), cmd
    assert not any(re.fullmatch(r"torch\b.*", a) for a in cmd), cmd


def test_library_torch_requirement_is_a_range():
    """On Colab, pip keeps the installed torch only if the library accepts it."""
    text = (ROOT / "pyproject.toml").read_text()
    deps = re.search(r"dependencies\s*=\s*\[(.*?)\]", text, re.S)[1]
    torch = [d for d in re.findall(r'"([^"]+)"', deps) if re.match(r"torch\b", d)]
    assert torch and all("==" not in d and "<" not in d for d in torch), torch


# ---------------------------------------------------------------- every other place with the URL

# Files that may carry launch badges or clone commands.
def _text_files() -> list[Path]:
    files = [ROOT / "README.md", *sorted((ROOT / "book").glob("*.md")), *sorted((ROOT / "binder").glob("*"))]
    return [f for f in files if f.is_file()]


def _notebook_markdown() -> list[tuple[str, str]]:
    out = []
    for nb_path in NOTEBOOKS:
        nb = nbformat.read(nb_path, as_version=4)
        out += [(nb_path.name, c.source) for c in nb.cells if c.cell_type == "markdown"]
    return out


REFERENCE_PATTERNS = [
    # (what, regex with owner/repo groups)
    ("Colab link", re.compile(r"colab\.research\.google\.com/github/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+)(?:/blob/(?P<branch>[\w.-]+))?")),
    ("Binder link", re.compile(r"mybinder\.org/v2/gh/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+?)(?:\.git)?(?:/(?P<branch>[\w.-]+))?(?=[/?\s)\"'\]]|$)")),
    ("pip git+ URL", re.compile(r"git\+https://github\.com/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+?)(?:\.git)?(?:@(?P<branch>[\w.-]+))?(?=[\s\"')@]|$)")),
    ("git clone URL", re.compile(r"git clone (?:--[\w-]+ )*https://github\.com/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+?)(?:\.git)?(?=[\s\"')]|$)")),
    ("badge target", re.compile(r"\]\(https://github\.com/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+?)(?:\.git)?(?:/(?:actions|blob|tree)/[^)]*)?\)")),
]


def _references() -> list[tuple[str, str, re.Match]]:
    refs = []
    sources = [(str(f.relative_to(ROOT)), f.read_text(errors="replace")) for f in _text_files()]
    sources += _notebook_markdown()
    for name, text in sources:
        for what, rx in REFERENCE_PATTERNS:
            refs += [(name, what, m) for m in rx.finditer(text)]
    return refs


def test_every_repository_reference_matches_config():
    owner, repo = _owner_repo()
    wrong = []
    for name, what, m in _references():
        if (m["owner"], m["repo"]) != (owner, repo):
            wrong.append(f"{name}: {what} {m.group(0)!r} points at {m['owner']}/{m['repo']}")
        elif m.groupdict().get("branch") and m["branch"] != BRANCH:
            wrong.append(f"{name}: {what} {m.group(0)!r} uses branch {m['branch']!r}, not {BRANCH!r}")
    assert not wrong, (
        f"_config.yml's repository.url is {REPO_URL} (branch {BRANCH}); these disagree:\n" + "\n".join(wrong)
    )


def test_reference_patterns_catch_a_stale_fork():
    """The patterns above really find the URLs they are meant to police."""
    text = (
        "[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/someone/fork/main?urlpath=tree)\n"
        "[![Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        "(https://colab.research.google.com/github/someone/fork/blob/main/book/x.ipynb)\n"
        'pip install "toymodels_lib @ git+https://github.com/someone/fork@main"\n'
        "git clone https://github.com/someone/fork.git\n"
    )
    found = {(what, m["owner"], m["repo"]) for what, rx in REFERENCE_PATTERNS for m in rx.finditer(text)}
    assert {w for w, _, _ in found} >= {"Colab link", "Binder link", "pip git+ URL", "git clone URL"}
    assert all((o, r) == ("someone", "fork") for _, o, r in found), found


# ---------------------------------------------------------------- Binder


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if m:
            pins[m[1].lower().replace("_", "-")] = m[2]
    return pins


def test_binder_installs_cpu_torch_and_the_library():
    req = ROOT / "binder" / "requirements.txt"
    assert req.is_file(), "binder/requirements.txt is Binder's (repo2docker's) environment file"
    lines = [ln.split("#", 1)[0].strip() for ln in req.read_text().splitlines()]
    lines = [ln for ln in lines if ln]
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in lines, "torch must come from the CPU index"
    binder, main = _pins(req), _pins(ROOT / "requirements.txt")
    assert binder.get("torch") == main["torch"] + "+cpu", f"binder torch {binder.get('torch')} vs {main['torch']}"
    assert "-e ." in lines or "." in lines, "binder/requirements.txt must install the library from the checkout"
    assert not any(name.startswith("nvidia-") for name in binder), "no CUDA packages on Binder"
    for name, version in binder.items():
        if name != "torch" and name in main:
            assert version == main[name], f"binder pins {name}=={version}, requirements.txt has {main[name]}"
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", runtime), runtime
    minimum = re.search(r'requires-python\s*=\s*">=\s*3\.(\d+)"', (ROOT / "pyproject.toml").read_text())
    assert int(runtime.split(".")[1]) >= int(minimum[1])
