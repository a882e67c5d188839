"""Benchmark of the answer engine against two baselines (run with `make bench`)."""
