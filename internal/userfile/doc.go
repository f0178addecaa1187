// Package userfile reads files a user named on the command line
// (--security-opt seccomp=FILE, --env-file, --authfile, ...): only regular
// files, and never more than a limit, so that /dev/zero or a FIFO is a
// clear error instead of a hang or an unbounded read.
//
// It is internal because it is no part of husk's library API; both
// cmd/husk and pkg/* use it.
package userfile
