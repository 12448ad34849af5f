features --by comm --window 10ms file_ops.trace net_ops.trace proc_tree.trace
