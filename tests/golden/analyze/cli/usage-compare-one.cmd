compare demo.trace
