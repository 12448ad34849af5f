features --format json --by comm --window 100ms demo.trace
