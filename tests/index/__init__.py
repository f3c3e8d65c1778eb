"""index/: parsing, checks, owners, the index store (retrieval quality: tests/test_retrieval.py, test_eval.py)."""
