"""The audit pack (issue 14): everything a finance officer or an auditor needs to check the savings of a
force's financial year, or of one idea, and to work every total out again by hand.

A pack has five parts, the same in the workbook, the printable page and the API:

- **Summary**: each total as QUEST shows it (a force's: exactly what its dashboard reads,
  :func:`quest.dashboards.savings.savings_by`; an idea's: what its page shows), beside the same total
  worked out again from the pack's own rows by the rule (:mod:`.totals`), which the workbook does with a
  formula of its own;
- **Claims** (:mod:`.claims`): every claim of the year (those whose period falls in it, at least in part,
  whatever their status) or of the idea, with its grade, its people and dates, whether it counts in the
  totals and why not, and, for a year, its days in the year, its £ a year × those days and the year's share;
- **Evidence** (:mod:`.evidence`): what each claim rests on: its measure's baseline, the after-period, the
  change, whether it is a special cause, the idea's balancing measures, whether its costs are recorded,
  and the grade QUEST proposes;
- **Costs** (:mod:`.costs`): the costs of the year (a one-off cost counts whole in the year it was
  incurred, a recurring one by its days in it) or of the idea;
- **Audit trail** (:mod:`.trail`): every change to those claims and costs, as the audit log holds it.

What a pack is of, and who may have it: :mod:`.pack`. The columns of each part, defined once for every
format: :mod:`.columns`. A pack is written as its rows are read, a batch at a time, from one snapshot
(:mod:`.parts`, :mod:`.batches`): as a workbook (:mod:`.workbook`), a page (:mod:`.page`) or JSON
(:mod:`.document`), at the addresses of :mod:`.web`. A force's year at national scale holds tens of
thousands of claims and a hundred thousand changes: no worker ever holds them all.
"""
