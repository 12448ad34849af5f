cut.trace
