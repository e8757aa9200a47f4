"""Households and door-knocking visits: cadence, visit planning, recording visits,
household look-up and profile, revealing personal information on demand."""
