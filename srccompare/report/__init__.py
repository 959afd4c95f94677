"""Report writers: one module a format. Each turns model objects into text; none prints."""
