"""Benchmarks and the app-driving helpers shared with the browser tests."""
