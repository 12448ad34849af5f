nonexistent.trace
