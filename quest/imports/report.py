"""What an import found and did: every bad row with its column and the reason, and, when every row was
good, how many records it made, changed and left as they were. The same report for the command line, the
web page's preview and the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from quest.errors import ValidationFailed


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with one cell, named as the person finds it: row 5, column ‘date’. Column "" is the
    row, or the file, as a whole."""

    row: int
    column: str
    message: str

    @property
    def summary(self) -> str:
        if self.row == 0:  # the file as a whole
            where = f"The file, column ‘{self.column}’" if self.column else "The file"
        else:
            where = f"Row {self.row}, column ‘{self.column}’" if self.column else f"Row {self.row}"
        return f"{where}: {self.message}"

    @property
    def field(self) -> str:
        """The id of the place on the preview where this problem is shown."""
        return f"row-{self.row}-{self.column or 'row'}"

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(slots=True)
class ImportReport:
    """An import's outcome. ``written`` is False for a dry run, and whenever there are problems."""

    kind: str
    rows: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    written: bool = False
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        """One sentence of what the import did, or would do."""
        verb = "" if self.written else "would be "
        noun = self.kind if self.rows != 1 else self.kind.removesuffix("s")
        return (
            f"{self.rows:,} {noun} read: {self.created:,} {verb}created, {self.changed:,} {verb}changed, "
            f"{self.unchanged:,} unchanged."
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "rows": self.rows,
            "created": self.created,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "written": self.written,
            "problems": [problem.as_json() for problem in self.problems],
        }


class ImportRefused(ValidationFailed):
    """Some rows have problems, so nothing was written; the report lists them all."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(
            {problem.field: problem.summary for problem in report.problems}, extra={"report": report.as_json()}
        )
        self.report = report
