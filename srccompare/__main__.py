"""``python -m srccompare`` runs the command line."""

from srccompare.process.start import console

console()
