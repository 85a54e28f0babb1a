# Every target bootstraps .venv from requirements.txt the first time (and again only when
# requirements.txt or pyproject.toml change).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
JB     := $(VENV)/bin/jupyter-book

.PHONY: book test publish lab bench gpu-check student artifacts clean help mathjax chromium
.DEFAULT_GOAL := help

help:
	@echo "make book   build the website into _build/html (executes every notebook)"
	@echo "make test   unit + claim tests, every notebook, the site with warnings as errors"
	@echo "make publish  build the site as make test does and push it to the gh-pages branch"
	@echo "make lab    JupyterLab on the notebooks"
	@echo "make bench  time the trainer against the paper notebook's training loop (interleaved runs)"
	@echo "make gpu-check  train chapter 3's and chapter 6's sweeps on CUDA and check their claims"
	@echo "make student  student copies of the notebooks (solutions removed) into student/"
	@echo "make artifacts  remake the shipped sweeps the chapters load (toymodels_lib/sweeps/shipped/*.npz)"

$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	@touch $(STAMP)

book: $(STAMP) mathjax
	$(JB) build . --keep-going
	@echo "open _build/html/index.html"

# tests/unit, tests/claims, tests/checks and tests/book first; then every notebook; then the
# site, built with warnings as errors, checked in the browser (tests/site and every test
# marked site).
test: $(STAMP) mathjax chromium
	$(PY) -m pytest -m "not site" -q
	$(PY) -m pytest --nbmake book -q --nbmake-timeout=300
	rm -rf _build/html _build/claims
	$(JB) build . -W -n --keep-going
	$(PY) -m pytest -m site -q

# Publishing by hand (the GitHub Actions workflow in .github/workflows/book.yml publishes
# main on every push): the site is built as `make test` builds it (warnings are errors),
# then ghp-import (pinned in requirements.txt) commits _build/html to the gh-pages branch,
# adds .nojekyll (-n, so GitHub Pages serves the _static folders) and force-pushes the
# branch to origin (-p -f).
# The repository's Pages source must then be "Deploy from a branch: gh-pages".
publish: $(STAMP) mathjax
	rm -rf _build/html
	$(JB) build . -W -n --keep-going
	$(VENV)/bin/ghp-import -n -p -f _build/html

lab: $(STAMP)
	$(VENV)/bin/jupyter lab book/

bench: $(STAMP)
	$(PY) benchmarks/bench_train.py

# Needs a CUDA GPU and a CUDA build of PyTorch (the pinned requirements install the CPU wheel):
# exits 2 with a message when there is none.
gpu-check: $(STAMP)
	$(PY) scripts/gpu_check.py

# Student copies: every solution block replaced by NotImplementedError(hint), outputs
# stripped (toymodels_lib/coursework.py; see book/teaching.md).
student: $(STAMP)
	$(PY) -m toymodels_lib.coursework student book/ student/

# MathJax 3, served by the site itself so that math renders offline (the browser tests
# have no internet) and online alike; npm fetches it once into _build/vendor, and
# _ext/site_tweaks.py points the build at it.
MATHJAX_VERSION := 3.2.2
MATHJAX := _build/vendor/mathjax/tex-chtml.js
mathjax: $(MATHJAX)
$(MATHJAX):
	@command -v npm >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm)
	rm -rf _build/vendor/.npm && mkdir -p _build/vendor/.npm
	cd _build/vendor/.npm && npm pack --silent mathjax@$(MATHJAX_VERSION) >/dev/null
	tar -xzf _build/vendor/.npm/mathjax-$(MATHJAX_VERSION).tgz -C _build/vendor/.npm
	rm -rf _build/vendor/mathjax && mv _build/vendor/.npm/package/es5 _build/vendor/mathjax
	rm -rf _build/vendor/.npm

# Debian's Chromium for the browser tests (Playwright's Python package drives it with
# executable_path=/usr/bin/chromium; no browser is ever downloaded).
chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

clean:
	rm -rf _build

artifacts: $(STAMP)
	$(PY) scripts/make_artifacts.py
