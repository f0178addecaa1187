//go:build linux && husk_core

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/husk-dev/husk/internal/childenv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/pull/pullopts"
	"github.com/husk-dev/husk/pkg/storage"
)

// The command binary (bin/husk, built with the husk_core tag) hands image
// transfers to the transfer helper: the same commands built with
// everything (transfer_full.go). containers/image's copy, signature and
// encryption packages (gRPC, protobuf, sigstore, ocicrypt, OpenPGP: half
// of the binary) then never load in "husk run", "ps" or "exec": their
// package initialisation and page faults cost ~5 ms of every start here
// (docs/design.md).

// transferHelperName is the helper's file name.
const transferHelperName = "husk-transfer"

// transferHelperEnv names a helper to use instead of looking for one.
const transferHelperEnv = childenv.TransferHelper

// warnCallerSkew: the command binary is nobody's helper.
func warnCallerSkew() {}

// helperEnv is the helper's environment: this one, plus the version of
// the husk that calls it (the helper warns when they differ).
func helperEnv() []string {
	return append(os.Environ(), callerVersionEnv+"="+version)
}

// transferHelper finds the helper: $HUSK_TRANSFER_HELPER, beside this
// binary, in ../libexec/husk/ from it, or in PATH.
func transferHelper() (string, error) {
	if p := os.Getenv(transferHelperEnv); p != "" {
		return p, nil
	}
	var tried []string
	if exe, err := os.Executable(); err == nil {
		dir := filepath.Dir(exe)
		for _, p := range []string{
			filepath.Join(dir, transferHelperName),
			filepath.Join(dir, "..", "libexec", "husk", transferHelperName),
		} {
			if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
				return p, nil
			}
			tried = append(tried, filepath.Clean(p))
		}
	}
	if p, err := exec.LookPath(transferHelperName); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("image transfers (pull, push, save, load, login) run in husk's helper %s, which is missing: looked at %s and in PATH; install it beside husk (make build puts both in bin/), or name it in %s",
		transferHelperName, strings.Join(tried, ", "), transferHelperEnv)
}

// transfersInfo says where transfers run, for husk info.
func transfersInfo() toolInfo {
	p, err := transferHelper()
	if err != nil {
		return toolInfo{Name: "helper", Problem: err.Error()}
	}
	return toolInfo{Name: "helper", Path: p}
}

// handOff replaces this process with the helper, given the same command
// line: its output, prompts and exit code are the command's.
func (a *app) handOff() error {
	p, err := transferHelper()
	if err != nil {
		return err
	}
	argv := append([]string{p}, os.Args[1:]...)
	if err := syscall.Exec(p, argv, helperEnv()); err != nil {
		return fmt.Errorf("run %s: %w", p, err)
	}
	return nil
}

func (a *app) runPull(context.Context, string, pullopts.RegistryOptions, bool) error {
	return a.handOff()
}

func (a *app) runPush(context.Context, string, string, pullopts.RegistryOptions, bool) error {
	return a.handOff()
}

func (a *app) runSave(context.Context, string, string, pullopts.ArchiveFormat, bool) error {
	return a.handOff()
}

func (a *app) runLoad(context.Context, string, bool) error { return a.handOff() }

func (a *app) runLogin(context.Context, string, loginOptions) error { return a.handOff() }

func (a *app) runLogout(string, bool, string) error { return a.handOff() }

// pullImage pulls for run and create (--pull) through "helper pull":
// progress and errors go straight to stderr, the ID comes back on stdout.
func (a *app) pullImage(ctx context.Context, _ *storage.Store, image string, ro pullopts.RegistryOptions) (string, error) {
	p, err := transferHelper()
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, p, append(a.persistentArgs(), pullArgs(image, ro)...)...)
	// Interrupted, the helper gets to clean up its partial pull, as husk
	// pulling in-process would.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	cmd.Env = helperEnv()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, a.stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() > 0 {
			// The helper has said why.
			return "", &exitCodeError{code: exitHusk}
		}
		return "", fmt.Errorf("pull %q: run %s: %w", image, p, err)
	}
	fields := strings.Fields(out.String())
	if len(fields) == 0 {
		return "", fmt.Errorf("pull %q: %s printed no image ID", image, p)
	}
	return fields[len(fields)-1], nil
}

// persistentArgs are the global flags as given, for a helper to see the
// same store and settings (see globalArgs).
func (a *app) persistentArgs() []string { return a.globalArgs() }

// pullArgs is the helper's "pull" command line for image with ro.
func pullArgs(image string, ro pullopts.RegistryOptions) []string {
	args := []string{"pull"}
	if ro.TLSVerify != nil {
		args = append(args, "--tls-verify="+strconv.FormatBool(*ro.TLSVerify))
	}
	for _, f := range []struct{ name, value string }{
		{"authfile", ro.AuthFile}, {"cert-dir", ro.CertDir}, {"creds", ro.Creds}, {"platform", ro.Platform},
	} {
		if f.value != "" {
			args = append(args, "--"+f.name+"="+f.value)
		}
	}
	return append(args, "--", image)
}

func (a *app) generateDocs(*cobra.Command, string, string) error { return a.handOff() }
