"""Imports of readings, ideas and users from a CSV file or a workbook (issue 15): every row checked
first, every problem reported by row and column, and then everything written in one transaction, or
nothing. :mod:`quest.imports.services` runs one; the command line, the web page and the API call it."""
