// Package labels reads the labels and annotations a user gives husk
// (--label KEY=VALUE, --label-file FILE, --annotation KEY=VALUE) for
// containers, volumes and networks, as podman reads them: a KEY alone is
// an empty value, files come first and the flags override them.
//
// It is internal because it is no part of husk's library API; both
// cmd/husk (volume and network create) and pkg/* (ctropts, runtime) use it.
package labels
