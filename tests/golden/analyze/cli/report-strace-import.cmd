report strace-import.trace -o out
