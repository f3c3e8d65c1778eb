"""careerfw's tests, one folder per part of the code (CONTRIBUTING.md: Tests)."""
