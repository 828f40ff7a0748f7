"""Each person's home page: what waits for them, by role, drawn from the domains' own services."""
