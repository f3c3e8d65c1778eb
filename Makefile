# Two commands on a fresh clone: `make run` and `make test`. Both create .venv/ on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.careerfw-installed
EXPORTED := $(VENV)/.careerfw-exported
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test lint venv index eval bench clean postgresql chromium playground

# requirements/install.sh is the one install sequence, shared with the Dockerfile: torch first, from
# requirements/torch.txt (the CPU wheel), so the project's own install finds it satisfied and never
# resolves a multi-GB CUDA build; then the project from pyproject.toml; then the ONNX export of the
# model with its parity check against PyTorch (careerfw_tools/onnx_export.py), which the bot serves from.
# TORCH_INDEX_URL, when set, says where torch comes from (docs/deploy.md: Installing torch).
$(STAMP): pyproject.toml requirements/torch.txt requirements/install.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	sh requirements/install.sh $(BIN)/python all -e '.[test,export]'
	touch $(STAMP)

# The export again when what makes or measures it changes (it says so and skips when up to date).
$(EXPORTED): $(STAMP) careerfw_tools/onnx_export.py index/onnx_encoder.py $(wildcard tests/eval/*.yaml)
	sh requirements/install.sh $(BIN)/python model
	touch $(EXPORTED)

venv: $(EXPORTED)

run: $(EXPORTED)
	$(BIN)/careerfw run

# The state tests start a throwaway PostgreSQL server (tests/support/postgres.py) from Debian's package:
# installed here when missing and we are root (CI); otherwise those tests say why they skip.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
	|| if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null; \
	else \
		echo "PostgreSQL server binaries missing and not root: the PostgreSQL tests will skip (apt-get install postgresql)"; \
	fi

# tests/report/test_html.py looks at the owners' report page in headless Chromium, also from Debian's
# package: installed here when missing and we are root (CI); otherwise that test says why it skips.
chromium:
	@command -v chromium >/dev/null 2>&1 \
	|| if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	else \
		echo "Chromium missing and not root: the report's browser test will skip (apt-get install chromium)"; \
	fi

# tests/teams/test_playground.py drives the Microsoft 365 Agents Playground (npm) against `careerfw teams`;
# installed into .playground/ at this exact version, again when the pin changes. No npm, or no registry,
# fails here, loudly: under CI those tests must run, never skip.
PLAYGROUND_VERSION := 0.2.28
PLAYGROUND_STAMP := .playground/.installed-$(PLAYGROUND_VERSION)

$(PLAYGROUND_STAMP):
	@command -v npm >/dev/null || { echo "npm not found: the Agents Playground tests need Node.js 20+ and npm" >&2; exit 1; }
	rm -rf .playground && mkdir -p .playground
	echo '{"private": true}' > .playground/package.json
	npm install --prefix .playground --no-audit --no-fund --no-update-notifier --save-exact \
		@microsoft/m365agentsplayground@$(PLAYGROUND_VERSION)
	touch $@

playground: $(PLAYGROUND_STAMP)

test: $(EXPORTED) postgresql chromium playground
	$(BIN)/ruff check bot index careerfw_tools tests
	$(BIN)/python -m pytest -q

lint: $(EXPORTED)
	$(BIN)/ruff check bot index careerfw_tools tests

index: $(EXPORTED)
	$(BIN)/careerfw index build

eval: $(EXPORTED)
	$(BIN)/careerfw eval

bench: $(EXPORTED)
	$(BIN)/careerfw bench

clean:
	rm -rf $(VENV) .careerfw .pytest_cache .ruff_cache .playground
