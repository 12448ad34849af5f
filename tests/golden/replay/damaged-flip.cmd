flip.trace
