file_ops-noargs.trace
