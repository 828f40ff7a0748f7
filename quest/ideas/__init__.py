"""Improvement ideas: raised by frontline staff, decided and run by managers, spread by headquarters."""
