"""Waste observations: the eight DOWNTIME wastes, seen and measured where the work happens."""
