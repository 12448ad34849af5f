strace-import.trace
