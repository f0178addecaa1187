// Package ctrstats is husk stats: readings of running containers'
// cgroups (CPU, memory, processes, block I/O), the CPU share worked out
// between two readings, shown once or as a stream.
package ctrstats
