"""index/compose/: one test file per composer module (CONTRIBUTING.md, Layout)."""
