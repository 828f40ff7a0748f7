"""The national benchmark dataset: `quest demo --scale national` (plan, rows, load, seed)."""
