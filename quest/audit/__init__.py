"""The audit trail: every change to every record, appended in the same transaction as the change."""
