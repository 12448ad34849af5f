stats alloc_touch.trace demo-more.trace demo.trace file_ops-noargs.trace file_ops.trace getppid.trace net_ops.trace proc_tree.trace strace-import.trace threads.trace
