"""Benchmark tooling: a generator of realistic packages at any size (:mod:`benchmarks.generate`)
and the one-command benchmark (:mod:`benchmarks.run`). See docs/performance.md."""
