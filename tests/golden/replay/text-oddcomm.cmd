oddcomm.trace
