"""What the PDF reports print (Qt-free snapshots built from the same functions as
``center kpi`` and ``center assess``) and the draft → approved workflow with
document numbers; the PDF builders are the top-level :mod:`reports` package."""
