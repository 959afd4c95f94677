"""srccompare as a running process: the console script's start (signals caught before the heavy
imports), interrupts turned into one line and an exit status, and what killed runs left behind."""
