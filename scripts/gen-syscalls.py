#!/usr/bin/env python3
# Placeholder until the syscall tables land: emits an empty table.
import sys
open(sys.argv[2], "w").write("/* generated: no tables yet */\nint sr_syscalls_gen_placeholder;\n")
