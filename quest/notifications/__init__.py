"""In-app notifications: what happened to an idea one raised or follows."""
