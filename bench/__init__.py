"""Benchmarks of kefu (run as modules: python -m bench.<name>)."""
