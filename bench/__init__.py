"""Benchmarks (``make bench``); run each as ``python -m bench.NAME`` from the repository root."""
