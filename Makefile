# The quick start is two commands: `make demo` and `make test`. Both create the
# virtual environment and install what they need on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test bench clean mermaid-check

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]' --config-settings editable_mode=compat
	touch $(INSTALLED)

## Render and lint the bundled blueprints into output/.
demo: $(INSTALLED)
	$(BIN)/sdiagram render blueprints/ -o output -f svg,png
	$(BIN)/sdiagram lint blueprints/

## Run the test suite.
test: $(INSTALLED)
	$(BIN)/python -m pytest

## Check the Mermaid exports with Mermaid's own parser (needs node + npm; ~180 MB
## into .cache/mermaid, so not part of `make test`, whose test skips without it).
MERMAID := .cache/mermaid/node_modules/mermaid/package.json
$(MERMAID):
	npm install --prefix .cache/mermaid --no-audit --no-fund --silent mermaid@11.17.2 jsdom@29.1.1

mermaid-check: $(INSTALLED) $(MERMAID)
	$(BIN)/python -m pytest tests/test_exports.py -k mermaid -rs

## Benchmarks (not tests): see bench/README.md.
bench: $(INSTALLED)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
