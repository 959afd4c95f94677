"""Widgets of the srccompare TUI (one a module)."""
