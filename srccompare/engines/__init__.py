"""Engines run the heavy stages of ``reuse`` over many documents: local worker processes now, Spark later."""
