compare demo.trace demo-more.trace -o out
