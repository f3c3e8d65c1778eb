# Two commands on a fresh clone: `make run` and `make test`. Both create .venv/ on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.careerfw-installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test lint venv index eval bench clean

# requirements/install.sh is the one install sequence, shared with the Dockerfile: torch first, from
# requirements/torch.txt (the CPU wheel), so the project's own install finds it satisfied and never
# resolves a multi-GB CUDA build; then the project from pyproject.toml. TORCH_INDEX_URL, when set,
# says where torch comes from (docs/deploying.md: Installing torch).
$(STAMP): pyproject.toml requirements/torch.txt requirements/install.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	sh requirements/install.sh $(BIN)/python all -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/careerfw run

test: $(STAMP)
	$(BIN)/ruff check bot index careerfw_tools tests
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check bot index careerfw_tools tests

index: $(STAMP)
	$(BIN)/careerfw index build

eval: $(STAMP)
	$(BIN)/careerfw eval

bench: $(STAMP)
	$(BIN)/careerfw bench

clean:
	rm -rf $(VENV) .careerfw .pytest_cache .ruff_cache
