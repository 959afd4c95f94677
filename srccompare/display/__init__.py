"""Strings from outside as people see them: control characters made visible and inert (``visible``),
and an article's name for headings, tables and reports (``names``)."""
