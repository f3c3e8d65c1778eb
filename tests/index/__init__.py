"""index/: parsing, checks, owners, the index store, retrieval (its targets: tests/test_eval.py)."""
