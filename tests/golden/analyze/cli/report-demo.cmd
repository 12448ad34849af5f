report demo.trace -o out
