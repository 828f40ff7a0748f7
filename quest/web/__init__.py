"""What every page shares: the layout and templates, htmx fragments, flash messages, error pages, and
the request context (request id, logging, security headers)."""
