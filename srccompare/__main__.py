"""``python -m srccompare`` runs the command line."""

from srccompare.cli import console

console()
