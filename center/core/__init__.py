"""The shared core every feature builds on (no Qt): the actor and access checks,
the audit writer, transactions and the change signal, the error hierarchy, the
vocabulary (case statuses, priorities, scopes, grades), the KPI catalogue, and the
personal-information cipher."""
