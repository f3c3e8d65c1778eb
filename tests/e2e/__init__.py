"""Suites that cut across modules: faults, fuzzing, load."""
