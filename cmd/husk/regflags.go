//go:build linux

package main

import (
	"github.com/spf13/pflag"

	"github.com/husk-dev/husk/pkg/pull/pullopts"
)

// registryFlags is the flag group behind pullopts.RegistryOptions, shared by
// pull, push, login and (later) run.
type registryFlags struct {
	fs        *pflag.FlagSet
	tlsVerify bool
	authFile  string
	certDir   string
	creds     string
}

func addRegistryFlags(fs *pflag.FlagSet, withCreds bool) *registryFlags {
	r := &registryFlags{fs: fs}
	fs.BoolVar(&r.tlsVerify, "tls-verify", true, "require HTTPS and verify certificates (default: as registries.conf says for the registry)")
	fs.StringVar(&r.authFile, "authfile", "", "path of the authentication file (default: ${XDG_RUNTIME_DIR}/containers/auth.json)")
	fs.StringVar(&r.certDir, "cert-dir", "", "directory with certificates (*.crt) and client keys for the registry")
	if withCreds {
		fs.StringVar(&r.creds, "creds", "", "credentials USER[:PASSWORD] for the registry")
	}
	return r
}

// options turns the parsed flags into registry options; --tls-verify only
// counts when given, so registries.conf's insecure entries apply otherwise.
func (r *registryFlags) options() pullopts.RegistryOptions {
	o := pullopts.RegistryOptions{AuthFile: r.authFile, CertDir: r.certDir, Creds: r.creds}
	if f := r.fs.Lookup("tls-verify"); f != nil && f.Changed {
		v := r.tlsVerify
		o.TLSVerify = &v
	}
	return o
}
