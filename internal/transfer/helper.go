// Package transfer is the protocol between husk's two binaries. The
// command binary (bin/husk, built with the husk_core tag) hands image
// transfers to the transfer helper (bin/husk-transfer, the same commands
// built with everything): containers/image's copy, signature and
// encryption packages (gRPC, protobuf, sigstore, ocicrypt, OpenPGP: half
// of the binary) then never load in "husk run", "ps" or "exec": their
// package initialisation and page faults cost ~5 ms of every start
// (docs/design.md). This package finds the helper, hands it a command
// (the same command line, or "pull" for run and create), and lets the
// helper warn when it is another build; it also holds the terminal and
// stdin handling of the transfers (archives to stdout or from stdin, login
// prompts). It links nothing of the transfer machinery itself.
package transfer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/husk-dev/husk/internal/childenv"
	"github.com/husk-dev/husk/pkg/pull/pullopts"
)

// HelperName is the helper's file name.
const HelperName = "husk-transfer"

// HelperEnv names a helper to use instead of looking for one.
const HelperEnv = childenv.TransferHelper

// CallerVersionEnv carries the command binary's version to its helper,
// which warns when its own differs.
const CallerVersionEnv = childenv.CallerVersion

// ErrReported is returned when the helper failed and has said why on
// stderr: the caller exits without repeating it.
var ErrReported = errors.New("the transfer helper failed")

// env is the helper's environment: this one, plus the version of the
// husk that calls it.
func env(version string) []string {
	return append(os.Environ(), CallerVersionEnv+"="+version)
}

// A Helper is one of the binaries that husk hands commands to.
type Helper struct {
	// Name is its file name, Env the variable that names it instead, and
	// Does what it does, for the error when it is missing.
	Name, Env, Does string
}

// Transfers is the transfer helper.
var Transfers = Helper{Name: HelperName, Env: HelperEnv, Does: "image transfers (pull, push, save, load, login) run"}

// Compose runs compose and kube: the compose-spec and Kubernetes API
// packages (their schema compiled at start-up) stay out of the transfer
// helper, which every pull starts.
var Compose = Helper{Name: "husk-compose", Env: childenv.ComposeHelper, Does: "compose and kube run"}

// FindHelper finds the transfer helper (Transfers.Find).
func FindHelper() (string, error) { return Transfers.Find() }

// Find finds the helper: $Env, beside this binary, in ../libexec/husk/
// from it, or in PATH.
func (h Helper) Find() (string, error) {
	if p := os.Getenv(h.Env); p != "" {
		return p, nil
	}
	var tried []string
	if exe, err := os.Executable(); err == nil {
		dir := filepath.Dir(exe)
		for _, p := range []string{
			filepath.Join(dir, h.Name),
			filepath.Join(dir, "..", "libexec", "husk", h.Name),
		} {
			if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
				return p, nil
			}
			tried = append(tried, filepath.Clean(p))
		}
	}
	if p, err := exec.LookPath(h.Name); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%s in husk's helper %s, which is missing: looked at %s and in PATH; install it beside husk (make build puts both in bin/), or name it in %s",
		h.Does, h.Name, strings.Join(tried, ", "), h.Env)
}

// HandOff replaces this process with the transfer helper
// (Transfers.HandOff).
func HandOff(version string) error { return Transfers.HandOff(version) }

// HandOff replaces this process with the helper, given the same command
// line: its output, prompts and exit code are the command's. version is
// this binary's.
func (h Helper) HandOff(version string) error {
	p, err := h.Find()
	if err != nil {
		return err
	}
	argv := append([]string{p}, os.Args[1:]...)
	if err := syscall.Exec(p, argv, env(version)); err != nil {
		return fmt.Errorf("run %s: %w", p, err)
	}
	return nil
}

// PullRequest is a pull for run and create.
type PullRequest struct {
	Image    string
	Registry pullopts.RegistryOptions
	// GlobalArgs are the global settings, for the helper to see the same
	// store and settings.
	GlobalArgs []string
	// Version is this binary's.
	Version string
	// Stderr gets the helper's progress and errors.
	Stderr io.Writer
	// Quiet: errors only, no progress.
	Quiet bool
}

// Pull pulls through the helper's "pull" command and returns the image
// ID it printed. When the helper failed it has said why: ErrReported.
func Pull(ctx context.Context, r PullRequest) (string, error) {
	p, err := FindHelper()
	if err != nil {
		return "", err
	}
	args := PullArgs(r.Image, r.Registry)
	if r.Quiet {
		args = append([]string{args[0], "--quiet"}, args[1:]...)
	}
	cmd := exec.CommandContext(ctx, p, append(append([]string{}, r.GlobalArgs...), args...)...)
	// Interrupted, the helper gets to clean up its partial pull, as husk
	// pulling in-process would.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	cmd.Env = env(r.Version)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, r.Stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() > 0 {
			return "", ErrReported
		}
		return "", fmt.Errorf("pull %q: run %s: %w", r.Image, p, err)
	}
	fields := strings.Fields(out.String())
	if len(fields) == 0 {
		return "", fmt.Errorf("pull %q: %s printed no image ID", r.Image, p)
	}
	return fields[len(fields)-1], nil
}

// PullArgs is the helper's "pull" command line for image with ro.
func PullArgs(image string, ro pullopts.RegistryOptions) []string {
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

// WarnCallerSkew, in the helper, warns when the husk that handed it this
// command is another build than version: the two must be installed
// together.
func WarnCallerSkew(version string) {
	caller, ok := os.LookupEnv(CallerVersionEnv)
	if !ok {
		return
	}
	_ = os.Unsetenv(CallerVersionEnv)
	if caller != version {
		logrus.Warnf("husk %s handed this transfer to %s %s: install husk and husk-transfer from the same build", caller, filepath.Base(os.Args[0]), version)
	}
}
