"""The coordinator workstation (`center workstation`): inbox, case lifecycle, household
profile, visit planning, spot checks and the department queue."""
