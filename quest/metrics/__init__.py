"""Metrics and their readings: backlogs, times, volumes; the before and after of every change."""
