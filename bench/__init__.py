"""Benchmarks (DESIGN §7): each figure beside a floor measured in the same run. ``bench/run`` runs them all."""
