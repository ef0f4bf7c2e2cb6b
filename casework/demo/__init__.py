"""Demo data and generated data at scale for benchmarks."""
