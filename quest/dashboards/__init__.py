"""Dashboards (DESIGN §5): aggregates across domains, for force headquarters and beyond, computed in the
database (grouped and counted there, never a row a record brought into Python to be summed). Each module
is one aggregate: a query over the domains' models (and :mod:`quest.accounts.access` for the reach), with
what is left once the database has answered as a pure function beside it. Dashboards read the domains'
models; no domain's services, and no domain imports a dashboard except to show it."""
