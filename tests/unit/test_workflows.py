"""The GitHub Actions workflow that tests the book and publishes it to GitHub Pages.

It cannot run here, so, as ``tests/test_launch_config.py`` does for Binder, these tests check
that ``.github/workflows/book.yml`` follows the documented conventions: it runs the README's
test command (``make test``, whose site build is what gets published) on pull requests and
on pushes to ``main``, and only a push to ``main`` that passed deploys ``_build/html`` with
the official Pages actions, the Pages permissions and the ``github-pages`` environment.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"
MAIN_ONLY = re.compile(
    r"^github\.ref == 'refs/heads/main' && github\.event_name != 'pull_request'$"
)


@pytest.fixture(scope="module")
def wf() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text())
    # YAML 1.1 reads the bare key `on` as the boolean True.
    if True in data:
        data["on"] = data.pop(True)
    return data


def _uses(step: dict) -> str:
    return step.get("uses", "").split("@")[0]


def _steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def _permissions(wf: dict, job: dict) -> dict:
    """A job's effective token permissions (its own block replaces the workflow's)."""
    perms = job.get("permissions", wf.get("permissions"))
    assert isinstance(perms, dict), "set permissions explicitly, never the permissive default"
    return perms


def _test_job(wf: dict) -> tuple[str, dict]:
    found = [(name, job) for name, job in wf["jobs"].items()
             if any(s.get("run", "").strip() == "make test" for s in _steps(job))]
    assert len(found) == 1, "exactly one job runs `make test`"
    return found[0]


def _deploy_job(wf: dict) -> tuple[str, dict]:
    found = [(name, job) for name, job in wf["jobs"].items()
             if any(_uses(s) == "actions/deploy-pages" for s in _steps(job))]
    assert len(found) == 1, "exactly one job deploys with actions/deploy-pages"
    return found[0]


def test_triggers_are_pull_requests_and_pushes_to_main(wf):
    on = wf["on"]
    assert set(on) >= {"push", "pull_request"}, on
    assert on["push"]["branches"] == ["main"], "publish only from main"
    assert not (on["pull_request"] or {}).get("branches"), "test pull requests into any branch"
    assert set(on) <= {"push", "pull_request", "workflow_dispatch"}, on


def test_the_readme_test_command_runs_on_both_triggers(wf):
    name, job = _test_job(wf)
    assert "if" not in job, f"job {name!r} must run on pull requests and on pushes alike"
    steps = _steps(job)
    assert _uses(steps[0]) == "actions/checkout", "check out the repository first"
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make test" in (ROOT / ".ci" / "run").read_text()


def test_tests_run_where_make_test_can_install_debian_chromium(wf):
    """`make test` installs Debian's chromium and npm with apt-get, as root."""
    _, job = _test_job(wf)
    image = job["container"] if isinstance(job.get("container"), str) else job["container"]["image"]
    m = re.fullmatch(r"python:3\.(\d+)-(bookworm|trixie)", image)
    assert m, f"run the tests in a Debian python image, not {image!r}"
    minimum = re.search(r'requires-python\s*=\s*">=\s*3\.(\d+)"', (ROOT / "pyproject.toml").read_text())
    assert int(m[1]) >= int(minimum[1])
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test: .*\bchromium\b", makefile, re.M), "make test must install chromium itself"
    assert re.search(r"^test: .*\bmathjax\b", makefile, re.M)


def test_make_test_builds_the_site_that_is_published(wf):
    """The uploaded folder is make test's site build, uploaded only after make test passed."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^test:.*\n((?:\t.*\n)+)", makefile, re.M)[1]
    assert re.search(r"\$\(JB\) build \. -W -n --keep-going", recipe), "make test builds the site (_build/html)"
    assert recipe.index("build . -W") < recipe.index("pytest -m site"), "the built site is checked in the browser"
    _, job = _test_job(wf)
    steps = _steps(job)
    test_at = next(i for i, s in enumerate(steps) if s.get("run", "").strip() == "make test")
    uploads = [i for i, s in enumerate(steps) if _uses(s) == "actions/upload-pages-artifact"]
    assert len(uploads) == 1 and uploads[0] > test_at, "upload the site after make test passed"
    upload = steps[uploads[0]]
    assert upload["with"]["path"] == "_build/html"
    assert MAIN_ONLY.match(upload["if"]), "pull requests upload no site"


def test_deploy_waits_for_the_tests_and_only_runs_for_main(wf):
    test_name, _ = _test_job(wf)
    _, job = _deploy_job(wf)
    needs = job["needs"] if isinstance(job["needs"], list) else [job["needs"]]
    assert test_name in needs, "deploy only when the tests passed"
    assert MAIN_ONLY.match(job["if"]), job.get("if")


def test_deploy_uses_the_official_pages_actions(wf):
    _, job = _deploy_job(wf)
    steps = _steps(job)
    names = [_uses(s) for s in steps]
    assert names.index("actions/configure-pages") < names.index("actions/deploy-pages")
    deploy = steps[names.index("actions/deploy-pages")]
    assert job["environment"]["name"] == "github-pages"
    assert job["environment"]["url"] == "${{ steps." + deploy["id"] + ".outputs.page_url }}"
    for step in [*steps, *_steps(_test_job(wf)[1])]:
        if step.get("uses"):
            owner_action, _, ref = step["uses"].partition("@")
            assert owner_action.startswith("actions/"), f"only GitHub's own actions: {step['uses']}"
            assert re.fullmatch(r"v\d+", ref), f"pin a major version: {step['uses']}"


def test_pages_permissions_and_concurrency(wf):
    _, deploy = _deploy_job(wf)
    perms = _permissions(wf, deploy)
    assert perms.get("pages") == "write" and perms.get("id-token") == "write", perms
    assert perms.get("contents") in ("read", None), perms
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    _, test = _test_job(wf)
    test_perms = _permissions(wf, test)
    assert test_perms == {"contents": "read"}, f"the test job (pull requests too) needs no write access: {test_perms}"
    assert wf.get("permissions") == {"contents": "read"}, "workflow default: read only"


def test_readme_documents_the_workflow_and_pages_setup():
    readme = (ROOT / "README.md").read_text()
    assert ".github/workflows/book.yml" in readme
    assert "Source: GitHub Actions" in readme and "gh-pages" in readme
