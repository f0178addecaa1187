// Package prunefilter holds the --filter values of the prune commands
// (system, image, container, volume, network) as podman 4.3.1 takes them:
// until=TIME (created before it: a timestamp or a duration back from now),
// label=KEY[=VALUE] (every one must match) and label!=KEY[=VALUE] (none
// may match).
package prunefilter
