compare threads.trace strace-import.trace
