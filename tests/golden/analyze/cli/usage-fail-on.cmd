compare demo.trace demo-more.trace --fail-on 'calls(openat) >> 5'
