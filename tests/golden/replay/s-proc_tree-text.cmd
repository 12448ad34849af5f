proc_tree.trace
