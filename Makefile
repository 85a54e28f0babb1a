# Every target bootstraps .venv from requirements.txt the first time (and again only when
# requirements.txt or pyproject.toml change).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
JB     := $(VENV)/bin/jupyter-book

.PHONY: book test lab bench student artifacts clean help
.DEFAULT_GOAL := help

help:
	@echo "make book   build the website into _build/html (executes every notebook)"
	@echo "make test   unit + claim tests, every notebook, the site with warnings as errors"
	@echo "make lab    JupyterLab on the notebooks"
	@echo "make bench  time the trainer against a reference training loop"

$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	@touch $(STAMP)

book: $(STAMP)
	$(JB) build . --keep-going
	@echo "open _build/html/index.html"

test: $(STAMP)
	$(PY) -m pytest -m "not site" -q
	$(PY) -m pytest --nbmake book -q --nbmake-timeout=300
	rm -rf _build/html
	$(JB) build . -W -n --keep-going
	$(PY) -m pytest -m site -q

lab: $(STAMP)
	$(VENV)/bin/jupyter lab book/

bench: $(STAMP)
	$(PY) benchmarks/bench_train.py

clean:
	rm -rf _build
