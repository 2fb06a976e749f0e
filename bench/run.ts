// Scale runs that print figures (never timed tests). The benchmarks arrive with the performance issue.
console.log('no benchmarks yet')
