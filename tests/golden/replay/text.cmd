basic.trace
