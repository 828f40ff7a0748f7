"""Server-rendered SVG charts. The geometry is worked out here, in pure functions; the templates in
templates/charts draw it, with a title, a description and the figures in a table beside it."""
