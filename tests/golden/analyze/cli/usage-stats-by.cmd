stats --by colour demo.trace
