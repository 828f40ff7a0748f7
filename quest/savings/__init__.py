"""The savings ledger: claims against ideas, valued at the force's rate card, validated by someone else."""
