"""``python -m srccompare`` runs the command line."""

from srccompare.cli import entry_point

entry_point()
