"""Deterministic text heuristics behind the built-in interviewer: no model, no network, no randomness."""
