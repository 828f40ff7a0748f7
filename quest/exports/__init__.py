"""Everything QUEST gives back as a file, through one door.

- :mod:`quest.exports.files` writes rows as CSV or XLSX, a row at a time, escaping text a spreadsheet would
  run as a formula;
- :mod:`quest.exports.tables` reads the five exports (ideas, readings, savings, audit, users) from the
  database in batches, scoped to what the reader may see, in the columns the imports accept;
- :mod:`quest.exports.downloads` answers a page's download from a file written that way.

The ``quest export`` command and every download on the pages go through them.
"""
