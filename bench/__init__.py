"""Benchmarks of dms: download throughput and server memory (see bench/README.md)."""
