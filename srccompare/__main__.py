"""``python -m srccompare`` runs the command line."""

from srccompare.start import console

console()
