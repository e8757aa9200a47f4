"""PDF reports (reportlab): monthly notice, quarterly scorecards, annual review.

``build_monthly``, ``build_quarterly`` and ``build_annual`` are the Qt-free entry
points the CLI and the workstation call; they render the snapshots assembled by
:mod:`center.reporting.snapshots`.
"""

from reports.build import build_annual, build_monthly, build_quarterly

__all__ = ["build_annual", "build_monthly", "build_quarterly"]
