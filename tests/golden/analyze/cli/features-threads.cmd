features threads.trace
