stats --format json demo.trace demo-more.trace
