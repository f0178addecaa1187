//go:build linux

package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/internal/opterr"
	"github.com/husk-dev/husk/internal/transfer"
	"github.com/husk-dev/husk/pkg/ctropts"
	"github.com/husk-dev/husk/pkg/pull/ensure"
)

// Exit codes, as podman and docker use them.
const (
	exitHusk      = 125 // husk's own error
	exitCannotRun = 126 // the container command cannot be invoked
	exitNotFound  = 127 // the container command was not found
)

// exitCodeError ends husk with a given code; msg may be empty when the
// reason was already shown (e.g. by the namespaced child).
type exitCodeError struct {
	code int
	msg  string
}

func (e *exitCodeError) Error() string { return e.msg }

// exitCode maps an error to husk's exit code and prints it once.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	err = withFlagNames(err)
	if errors.Is(err, transfer.ErrReported) {
		return exitHusk // the helper has said why
	}
	var ec *exitCodeError
	if errors.As(err, &ec) {
		if ec.msg != "" {
			fmt.Fprintf(stderr, "husk: %s\n", ec.msg)
		}
		return ec.code
	}
	msg := strings.TrimSpace(err.Error())
	fmt.Fprintf(stderr, "husk: %s\n", msg)
	return exitHusk
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }

// flag is how husk spells an option: its short and long flag names.
type flag struct{ short, long string }

// optionFlags are the flags of the options that the packages below cmd/
// name in their errors and ask about (opterr.Option).
var optionFlags = map[opterr.Option]flag{
	format.Option:          {"", "format"},
	ctropts.OptName:        {"", "name"},
	ctropts.OptEntrypoint:  {"", "entrypoint"},
	ctropts.OptEnv:         {"e", "env"},
	ctropts.OptEnvFile:     {"", "env-file"},
	ctropts.OptUser:        {"u", "user"},
	ctropts.OptWorkdir:     {"w", "workdir"},
	ctropts.OptHostname:    {"", "hostname"},
	ctropts.OptVolume:      {"v", "volume"},
	ctropts.OptMount:       {"", "mount"},
	ctropts.OptTmpfs:       {"", "tmpfs"},
	ctropts.OptSecurityOpt: {"", "security-opt"},
	ctropts.OptUserns:      {"", "userns"},
	ctropts.OptCgroups:     {"", "cgroups"},
	ctropts.OptLogOpt:      {"", "log-opt"},
	ctropts.OptNetwork:     {"", "network"},
	ctropts.OptDNS:         {"", "dns"},
	ctropts.OptDNSSearch:   {"", "dns-search"},
	ctropts.OptDNSOption:   {"", "dns-option"},
	ctropts.OptAddHost:     {"", "add-host"},

	ctropts.OptMemory:            {"m", "memory"},
	ctropts.OptMemoryReservation: {"", "memory-reservation"},
	ctropts.OptMemorySwap:        {"", "memory-swap"},
	ctropts.OptCPUs:              {"", "cpus"},
	ctropts.OptCPUShares:         {"", "cpu-shares"},
	ctropts.OptCPUWeight:         {"", "cpu-weight"},
	ctropts.OptCpusetCpus:        {"", "cpuset-cpus"},
	ctropts.OptPidsLimit:         {"", "pids-limit"},
	ctropts.OptBlkioWeight:       {"", "blkio-weight"},
	ensure.OptPull:               {"", "pull"},
	ensure.OptPlatform:           {"", "platform"},
	transfer.OptOutput:           {"o", "output"},
	transfer.OptInput:            {"i", "input"},
	transfer.OptUsername:         {"u", "username"},
	transfer.OptPassword:         {"p", "password"},
	transfer.OptPasswordStdin:    {"", "password-stdin"},
}

// flagsGiven reports, for the packages below cmd/, which options were
// given in fs.
func flagsGiven(fs *pflag.FlagSet) func(opterr.Option) bool {
	return func(o opterr.Option) bool {
		f, ok := optionFlags[o]
		return ok && fs.Changed(f.long)
	}
}

// withFlagNames gives the options an error names the spelling of husk's
// flags: the one place where errors from below cmd/ get flag names.
func withFlagNames(err error) error {
	return opterr.Spell(err, func(o opterr.Option, long bool) string {
		f, ok := optionFlags[o]
		switch {
		case !ok:
			return string(o)
		case f.short != "" && !long:
			return "-" + f.short
		}
		return "--" + f.long
	})
}
