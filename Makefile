# itaku: `make demo` sets up .venv and runs the main job on the bundled examples; `make test` runs the tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
TEST_VENV ?= .venv-test
# pytest workers for `make test` (pytest-xdist); tests that must not share a worker are grouped (xdist_group)
TEST_JOBS ?= 2
DIST ?= dist
PACKAGE_FILES := $(shell find itaku engine rules reports checklists -type f -not -name '*.pyc' 2>/dev/null)
ITAKU := $(VENV)/bin/itaku
OUT ?= out
SEED := $(sort $(wildcard examples/seed/*.yaml))
# the demo's register: the seed meeting's seven cases decided as in the minutes
REGISTER := $(OUT)/register.sqlite3
MEETING := --meeting 2019-09-09 --session 4 --db $(REGISTER)

.PHONY: install demo test lint bench clean

install: $(VENV)/.installed

# A plain (not editable) install, as a ward's IT section would install it; redone when a source changes.
$(VENV)/.installed: setup.cfg pyproject.toml $(PACKAGE_FILES)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24,<26"
	rm -rf build  # setuptools reuses build/lib, which would carry files deleted from the source
	$(PY) -m pip install --quiet --force-reinstall --no-deps .
	$(PY) -m pip install --quiet ".[dev]"
	touch $@

demo: install
	mkdir -p $(OUT)
	$(ITAKU) check $(SEED) --fail-on never
	$(ITAKU) report $(SEED) --format html -o $(OUT)/meeting.html
	$(ITAKU) report $(SEED) --format md -o $(OUT)/meeting.md
	$(ITAKU) report $(SEED) --format docx -o $(OUT)/opinion.docx
	$(ITAKU) template -o $(OUT)/form.xlsx
	$(ITAKU) template --from examples/seed/27.yaml -o $(OUT)/form-27.xlsx
	$(ITAKU) check $(OUT)/form-27.xlsx --fail-on never
	$(ITAKU) convert $(OUT)/form-27.xlsx -o $(OUT)/form-27.yaml
	$(ITAKU) checklist self-check $(SEED) -o $(OUT)/self-check.xlsx
	$(ITAKU) checklist inspection $(SEED) -o $(OUT)/inspection.xlsx
	$(ITAKU) checklist management-record $(SEED) -o $(OUT)/management-record.xlsx
	$(ITAKU) checklist pre-send examples/seed/23.yaml examples/seed/27.yaml -o $(OUT)/pre-send.xlsx
	$(ITAKU) checklist opinion-list $(SEED) -o $(OUT)/opinion-list.xlsx
	$(ITAKU) checklist matrix $(SEED) -o $(OUT)/matrix.xlsx
	$(ITAKU) checklist questions $(SEED) -o $(OUT)/questions.xlsx
	$(ITAKU) screen examples -o $(OUT)/screen --fail-on never
	$(ITAKU) check examples/revisions/23.yaml --approved examples/seed/23.yaml --fail-on never
	$(ITAKU) report examples/revisions/23.yaml --approved examples/seed/23.yaml -o $(OUT)/revision-23.html
	$(ITAKU) check examples/profiles/example-city/*.yaml --profile example-city --fail-on never
	$(ITAKU) rules diff --profile default --profile example-city
	rm -rf $(REGISTER) $(OUT)/register-export
	for n in 21 22 23 24 25 26 27; do $(ITAKU) register add examples/seed/$$n.yaml --new --db $(REGISTER) || exit 1; done
	$(ITAKU) register decide 21 --outcome 承認 $(MEETING) --opinion "システム改修及び業務委託ともに、必要となる対策は十分にとられている（業務委託は報告事項として了承）"
	$(ITAKU) register decide 22 --outcome 承認 $(MEETING) --opinion "システム改修、業務委託ともに、必要となる対策は十分にとられている（業務委託は報告事項として了承）"
	$(ITAKU) register decide 23 --outcome 了承 $(MEETING) --opinion "送信前に複数名で送信先・送信内容を確認する運用とし、業務の開始前に区と委託先双方でオペレーションを確認すること" --condition "業務の開始前に委託先に手順書を作成させ、区と委託先でオペレーションを確認した上で報告させること" --condition "一斉送信の都度、手順どおりに事故なく送信したことを報告させること"
	$(ITAKU) register decide 24 --outcome 了承 $(MEETING) --opinion "ファイアウォールによる境界防御に加え、最新のウイルス対策ソフトの導入など内部のセキュリティ対策の定期的な見直しを行うこと"
	$(ITAKU) register decide 25 --outcome 了承 $(MEETING)
	$(ITAKU) register decide 26 --outcome 了承 $(MEETING)
	$(ITAKU) register decide 27 --outcome 了承 $(MEETING) --opinion "委託先に常に最新のウイルス対策ソフトの導入等セキュリティ対策の徹底を求めること。送信者のドメイン認証を実施すること"
	$(ITAKU) register event 23 handover --on 令和元年9月20日 --staff 地域包括ケア推進課 --counterpart 株式会社エンパブリック --db $(REGISTER)
	$(ITAKU) register event 23 condition --condition 1 --on 令和元年10月1日 --staff 地域包括ケア推進課 --note 手順書を受領し双方で確認 --db $(REGISTER)
	$(ITAKU) register event 23 inspection --on 令和元年12月5日 --staff 地域包括ケア推進課 --result 適 --db $(REGISTER)
	$(ITAKU) register add examples/revisions/23.yaml --db $(REGISTER)
	$(ITAKU) check examples/revisions/23.yaml --register --db $(REGISTER) --fail-on never
	$(ITAKU) register history 23 --db $(REGISTER)
	$(ITAKU) register due --by 2020-09-09 --today 2020-09-09 --db $(REGISTER)
	$(ITAKU) checklist management-record --from-register --today 2020-09-09 --db $(REGISTER) -o $(OUT)/management-record-register.xlsx
	$(ITAKU) register export $(OUT)/register-export --db $(REGISTER)
	@echo "itaku: the self-check page for departments: run '$(ITAKU) serve', then open http://127.0.0.1:8765/ (Ctrl-C stops it)"

# The Debian packages the tests need (Chromium, PostgreSQL) are installed first when missing.
# The tests run against a wheel installed in a fresh virtual environment, never against the checkout:
# a subpackage or data file missing from the wheel fails here (tests/test_installed.py runs every command).
test:
	bin/test-packages
	rm -rf $(DIST) $(TEST_VENV) build
	$(PYTHON) -m venv $(TEST_VENV)
	$(TEST_VENV)/bin/python -m pip install --quiet --upgrade "pip>=24,<26"
	$(TEST_VENV)/bin/python -m pip wheel --quiet --no-deps --wheel-dir $(DIST) .
	$(TEST_VENV)/bin/python -m pip install --quiet "$$(ls $(DIST)/itaku-*.whl)[dev]"
	ITAKU_EXPECT_WHEEL=1 ITAKU_WHEEL="$$(ls $(CURDIR)/$(DIST)/itaku-*.whl)" $(TEST_VENV)/bin/pytest -q -n $(TEST_JOBS) --dist loadgroup
	$(TEST_VENV)/bin/itaku rules test
	cd $(TEST_VENV) && bin/lint-imports --config ../setup.cfg
	$(TEST_VENV)/bin/ruff check .

lint: install
	$(VENV)/bin/ruff check .
	cd $(VENV) && bin/lint-imports --config ../setup.cfg

bench: install
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) $(TEST_VENV) $(DIST) $(OUT) build *.egg-info
