report threads.trace -o out
