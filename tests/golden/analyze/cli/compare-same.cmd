compare demo.trace demo.trace --fail-on 'calls(openat) > +0%' --fail-on 'new_syscalls > 0'
