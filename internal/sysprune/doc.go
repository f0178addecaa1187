// Package sysprune is husk system prune: stopped containers, unused
// volumes (on request), unused networks, dangling (or all unused) images
// and what killed builds left, in podman 4.3.1's order and words; and the
// matchers that apply prune filters (internal/prunefilter) to each kind,
// for the prune commands of each kind too.
package sysprune
