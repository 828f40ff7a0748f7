"""Demo data: real forces from the reference list, with their divisions and (in later issues) a history."""
