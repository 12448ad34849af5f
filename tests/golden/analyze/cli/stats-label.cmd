stats --by label strace-import.trace demo.trace threads.trace
