// Package resourcelist is husk volume ls and network ls: which volumes
// and networks they list (--filter) and how they show them: names, a
// table, JSON or rows through a template, as podman's do.
package resourcelist
