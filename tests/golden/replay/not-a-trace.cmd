notatrace.txt
