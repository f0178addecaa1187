//go:build linux

package main

import (
	"github.com/spf13/pflag"

	"github.com/husk-dev/husk/pkg/ctropts"
)

// addServiceFlags declares run and create's --secret.
func addServiceFlags(fs *pflag.FlagSet, s *ctropts.ServiceFlags) {
	fs.StringArrayVar(&s.Secrets, "secret", nil, "give the container a secret: NAME[,type=mount|env][,target=PATH|VAR][,uid=N][,gid=N][,mode=OCTAL] (mount: a read-only file at /run/secrets/NAME or TARGET, mode 0444; env: the variable NAME or TARGET)")
}
