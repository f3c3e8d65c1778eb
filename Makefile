# Two commands on a fresh clone: `make run` and `make test`. Both create .venv/ on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.careerfw-installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test lint venv index eval bench clean

# torch goes in first, from requirements/torch.txt (the CPU wheel), so the project's own install
# finds it satisfied and never resolves a multi-GB CUDA build. The Dockerfile runs the same two steps.
$(STAMP): pyproject.toml requirements/torch.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade --quiet pip
	$(BIN)/python -m pip install --quiet -r requirements/torch.txt
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/careerfw run

test: $(STAMP)
	$(BIN)/ruff check bot index tests
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check bot index tests

index: $(STAMP)
	$(BIN)/careerfw index build

eval: $(STAMP)
	$(BIN)/careerfw eval

bench: $(STAMP)
	$(BIN)/careerfw bench

clean:
	rm -rf $(VENV) .careerfw .pytest_cache .ruff_cache
