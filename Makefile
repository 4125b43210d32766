# Everything a newcomer needs: `make run` and `make test` create the virtual environment,
# install the project and then do their job. Only Python 3.11+ and make are required.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install run chat test lint deploy-check bench eval check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## The bot: Telegram when TELEGRAM_BOT_TOKEN is set, otherwise the local terminal chat.
run: install
	$(BIN)/bot

chat: install
	$(BIN)/bot chat

## The whole test suite (offline, deterministic).
test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check bot rules tests scripts
	$(BIN)/mypy bot rules
	$(BIN)/lint-imports

## The service files: deploy/johap-doumi.service through systemd-analyze verify, deploy/Dockerfile
## through hadolint (offline; `docker build` itself needs a Docker daemon).
deploy-check: install
	$(BIN)/python -m pytest -q tests/test_deploy.py

## Speed and memory figures (see scripts/).
bench: install
	$(BIN)/python scripts/bench.py
	@for script in scripts/bench_ranking.py scripts/bench_rules.py scripts/bench_branches.py scripts/bench_telegram.py scripts/bench_backup.py; do \
		if [ -f $$script ]; then echo; echo "== $$script"; $(BIN)/python $$script || exit 1; fi; \
	done

## The development question sets, strictly graded (needs ../shared).
eval: install
	@for set in dev dev2 dev3; do echo "== $$set"; $(BIN)/python ../shared/eval/grade.py ../shared/eval/$$set.yaml --strict | tail -5; done

check: lint test

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
