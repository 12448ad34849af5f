compare -q demo.trace demo-more.trace --fail-on 'calls(openat) > +20%' --fail-on 'calls(openat) > +50%' --fail-on 'new_syscalls > 0' --fail-on 'errors(openat) > +30%' --fail-on 'p99(openat) > +1000%'
