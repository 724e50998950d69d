# itaku: `make demo` sets up .venv and runs the main job on the bundled examples; `make test` runs the tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
ITAKU := $(VENV)/bin/itaku
OUT ?= out
SEED := $(sort $(wildcard examples/seed/*.yaml))

.PHONY: install demo test lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24,<26"
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

demo: install
	mkdir -p $(OUT)
	$(ITAKU) check $(SEED) --fail-on never
	$(ITAKU) report $(SEED) --format html -o $(OUT)/meeting.html
	$(ITAKU) report $(SEED) --format md -o $(OUT)/meeting.md
	$(ITAKU) template -o $(OUT)/form.xlsx
	$(ITAKU) template --from examples/seed/27.yaml -o $(OUT)/form-27.xlsx
	$(ITAKU) check $(OUT)/form-27.xlsx --fail-on never
	$(ITAKU) checklist self-check $(SEED) -o $(OUT)/self-check.xlsx
	$(ITAKU) checklist inspection $(SEED) -o $(OUT)/inspection.xlsx
	$(ITAKU) checklist management-record $(SEED) -o $(OUT)/management-record.xlsx
	$(ITAKU) checklist pre-send examples/seed/23.yaml examples/seed/27.yaml -o $(OUT)/pre-send.xlsx
	$(ITAKU) checklist opinion-list $(SEED) -o $(OUT)/opinion-list.xlsx
	$(ITAKU) checklist matrix $(SEED) -o $(OUT)/matrix.xlsx
	$(ITAKU) screen examples -o $(OUT)/screen --fail-on never

test: install
	$(PY) -m pytest -q
	$(ITAKU) rules test
	$(VENV)/bin/ruff check .

lint: install
	$(VENV)/bin/ruff check .

bench: install
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) $(OUT) *.egg-info
