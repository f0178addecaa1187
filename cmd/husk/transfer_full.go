//go:build linux && !husk_core

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/sirupsen/logrus"
	"go.podman.io/image/v5/types"
	"golang.org/x/term"

	"github.com/husk-dev/husk/pkg/pull"
	"github.com/husk-dev/husk/pkg/pull/pullopts"
	"github.com/husk-dev/husk/pkg/storage"
)

// This build does image transfers itself: it is the transfer helper
// (bin/husk-transfer) that the command binary hands them to, and what
// in-process tests run. transfer_core.go is the other side.

// warnCallerSkew warns when the husk that handed this command over is
// another build: the two must be installed together.
func warnCallerSkew() {
	caller, ok := os.LookupEnv(callerVersionEnv)
	if !ok {
		return
	}
	_ = os.Unsetenv(callerVersionEnv)
	if caller != version {
		logrus.Warnf("husk %s handed this transfer to %s %s: install husk and husk-transfer from the same build", caller, filepath.Base(os.Args[0]), version)
	}
}

// transfersInfo says where transfers run, for husk info.
func transfersInfo() toolInfo { return toolInfo{Name: "in-process"} }

// openTransfer opens the store for a transfer with registry settings ro.
func (a *app) openTransfer(ro pullopts.RegistryOptions) (*types.SystemContext, *storage.Store, error) {
	sys, err := ro.SystemContext()
	if err != nil {
		return nil, nil, err
	}
	store, err := a.openStore()
	return sys, store, err
}

// progress is where a transfer's progress goes.
func (a *app) progress(quiet bool) io.Writer {
	if quiet {
		return nil
	}
	return a.stderr
}

func (a *app) runPull(ctx context.Context, image string, ro pullopts.RegistryOptions, quiet bool) error {
	sys, store, err := a.openTransfer(ro)
	if err != nil {
		return err
	}
	defer store.Close()
	res, err := pull.Pull(ctx, store, image, pull.Options{Sys: sys, Progress: a.progress(quiet)})
	if err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, res.ID)
	return nil
}

// pullImage pulls for run and create (--pull), with progress on stderr,
// and returns the image ID.
func (a *app) pullImage(ctx context.Context, store *storage.Store, image string, ro pullopts.RegistryOptions) (string, error) {
	sys, err := a.withCache(ro).SystemContext()
	if err != nil {
		return "", err
	}
	res, err := pull.Pull(ctx, store, image, pull.Options{Sys: sys, Progress: a.stderr})
	if err != nil {
		return "", err
	}
	return res.ID, nil
}

func (a *app) runPush(ctx context.Context, src, dest string, ro pullopts.RegistryOptions, quiet bool) error {
	sys, store, err := a.openTransfer(ro)
	if err != nil {
		return err
	}
	defer store.Close()
	return pull.Push(ctx, store, src, dest, pull.PushOptions{Sys: sys, Progress: a.progress(quiet)})
}

func (a *app) runSave(ctx context.Context, image, output string, format pullopts.ArchiveFormat, quiet bool) error {
	toStdout := output == ""
	if toStdout {
		if term.IsTerminal(int(os.Stdout.Fd())) {
			return fmt.Errorf("refusing to write an archive to a terminal: use -o FILE or redirect stdout")
		}
		// The archive writers need a file they can seek in.
		dir, err := os.MkdirTemp("", "husk-save-")
		if err != nil {
			return fmt.Errorf("save to stdout: %w", err)
		}
		defer os.RemoveAll(dir)
		output = filepath.Join(dir, "archive.tar")
	}
	store, err := a.openStore()
	if err != nil {
		return err
	}
	defer store.Close()
	if err := pull.Save(ctx, store, image, output, pull.SaveOptions{Format: format, Progress: a.progress(quiet || toStdout)}); err != nil {
		return err
	}
	if !toStdout {
		return nil
	}
	fh, err := os.Open(output)
	if err != nil {
		return fmt.Errorf("save to stdout: %w", err)
	}
	defer fh.Close()
	if _, err := io.Copy(a.stdout, fh); err != nil {
		return fmt.Errorf("save to stdout: %w", err)
	}
	return nil
}

func (a *app) runLoad(ctx context.Context, input string, quiet bool) error {
	if input == "" {
		if term.IsTerminal(int(os.Stdin.Fd())) {
			return fmt.Errorf("no archive given: use -i FILE or redirect stdin")
		}
		tmp, err := spoolStdin(a.stdin)
		if err != nil {
			return err
		}
		defer os.Remove(tmp)
		input = tmp
	}
	store, err := a.openStore()
	if err != nil {
		return err
	}
	defer store.Close()
	res, err := pull.Load(ctx, store, input, a.progress(quiet))
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Loaded image: %s\n", res.Name)
	return nil
}

// spoolStdin copies a piped archive to a temporary file: both archive
// readers need to seek.
func spoolStdin(r io.Reader) (string, error) {
	f, err := os.CreateTemp("", "husk-load-*.tar")
	if err != nil {
		return "", fmt.Errorf("spool stdin: %w", err)
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", fmt.Errorf("spool stdin: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("spool stdin: %w", err)
	}
	return f.Name(), nil
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func (a *app) runLogin(ctx context.Context, registry string, o loginOptions) error {
	sys, err := o.reg.SystemContext()
	if err != nil {
		return err
	}
	user, password := o.user, o.password
	in := bufio.NewReader(a.stdin)
	if user == "" {
		if !isTerminal(a.stdin) {
			return fmt.Errorf("no username: use --username")
		}
		fmt.Fprint(a.stderr, "Username: ")
		line, err := in.ReadString('\n')
		if err != nil {
			return fmt.Errorf("read username: %w", err)
		}
		user = strings.TrimSpace(line)
	}
	switch {
	case o.passwordStdin:
		if password != "" {
			return fmt.Errorf("use either --password or --password-stdin")
		}
		// A password (or token) is a line; a stream without end is not.
		const maxPassword = 64 << 10
		b, err := io.ReadAll(io.LimitReader(in, maxPassword+1))
		if err != nil {
			return fmt.Errorf("read password: %w", err)
		}
		if len(b) > maxPassword {
			return fmt.Errorf("read password: --password-stdin gave more than %d KiB", maxPassword>>10)
		}
		password = strings.TrimRight(string(b), "\r\n")
	case password == "":
		if !isTerminal(a.stdin) {
			return fmt.Errorf("no password: use --password-stdin")
		}
		fmt.Fprint(a.stderr, "Password: ")
		b, err := term.ReadPassword(int(os.Stdin.Fd()))
		fmt.Fprintln(a.stderr)
		if err != nil {
			return fmt.Errorf("read password: %w", err)
		}
		password = string(b)
	}
	if _, err := pull.Login(ctx, sys, registry, user, password); err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, "Login Succeeded!")
	return nil
}

func (a *app) runLogout(registry string, all bool, authFile string) error {
	sys, err := pullopts.RegistryOptions{AuthFile: authFile}.SystemContext()
	if err != nil {
		return err
	}
	if err := pull.Logout(sys, registry, all); err != nil {
		return err
	}
	if all {
		fmt.Fprintln(a.stdout, "Removed login credentials for all registries")
	} else {
		fmt.Fprintf(a.stdout, "Removed login credentials for %s\n", registry)
	}
	return nil
}
