# The quick start is two commands: `make demo` and `make test`. Both create the
# virtual environment and install what they need on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# The edit drawn in docs/diff-example.{svg,png} (docs/review.md).
DIFF_EXAMPLE := tests/diff/edits/url-shortener-rate-limiter.before.yaml tests/diff/edits/url-shortener-rate-limiter.after.yaml

.PHONY: demo test bench docs fuzz clean js-check

# compileall: bytecode, as any pip install has; where PYTHONDONTWRITEBYTECODE is
# set, Python would otherwise recompile every module of the editable install on
# each start (40 ms of `sdiagram lint`).
$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]' --config-settings editable_mode=compat
	$(BIN)/python -m compileall -q sdiagram
	touch $(INSTALLED)

## Render, estimate and lint the bundled blueprints into output/ (estimates in output/estimate/);
## draw the diff example in docs/. `--layout fresh`: the committed images show today's best
## candidate layout, not the one an earlier image in output/ had (tests/test_bundled_outputs.py).
demo: $(INSTALLED)
	$(BIN)/sdiagram render blueprints/ -o output -f svg,png,dot --layout fresh
	$(BIN)/sdiagram render blueprints/ -o output/estimate -f svg,png,dot --estimate --layout fresh
	$(BIN)/sdiagram estimate blueprints/ -o output/estimate
	$(BIN)/sdiagram estimate blueprints/ -o output/estimate --format markdown
	$(BIN)/sdiagram lint blueprints/
	$(BIN)/sdiagram diff --renames $(DIFF_EXAMPLE) --image docs/diff-example.svg > /dev/null
	$(BIN)/sdiagram diff --renames $(DIFF_EXAMPLE) --image docs/diff-example.png > /dev/null

## Regenerate the files made from the format's field tables (tests fail while they are stale).
docs: $(INSTALLED)
	$(BIN)/sdiagram schema > sdiagram/blueprint.schema.json
	$(BIN)/python -m sdiagram.compiler.reference > docs/blueprint.md
	$(BIN)/python -m sdiagram.estimation.docs docs/estimate.md

## Run the test suite.
test: $(INSTALLED)
	$(BIN)/python -m pytest

## Check the exports with their own tools: Mermaid's parser and mxGraph's codec (the
## library draw.io is built on). Needs node + npm and ~190 MB in .cache/js, so it is
## not part of `make test`, whose two tests skip cleanly without it.
JS_MODULES := .cache/js/node_modules/mxgraph/package.json
$(JS_MODULES):
	npm install --prefix .cache/js --no-audit --no-fund --silent mermaid@11.17.2 jsdom@29.1.1 mxgraph@4.2.2

js-check: $(INSTALLED) $(JS_MODULES)
	$(BIN)/python -m pytest tests/test_exports.py -k "mermaid_parser or mxgraph" -rs

## Benchmarks (not tests): see bench/README.md.
bench: $(INSTALLED)
	$(BIN)/python bench/run.py

## The long fuzz profile: random blueprints through every command (FUZZ_SECONDS, default 300).
FUZZ_SECONDS ?= 300
fuzz: $(INSTALLED)
	$(BIN)/python bench/fuzz.py --seconds $(FUZZ_SECONDS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
