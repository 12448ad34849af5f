threads.trace
