// Package pullopts holds what the command line says about a transfer
// before anything is transferred: registry, TLS, auth and platform
// settings and their containers/image system context, transport
// prefixes, archive formats.
//
// It is apart from package pull so that a program can parse and pass on
// these settings without linking the copy machinery (containers/image's
// copy, signature and encryption packages). husk's command binary is such
// a program: it hands transfers to its transfer helper and starts in about
// half the time for it (see cmd/husk/transfer_core.go).
package pullopts
