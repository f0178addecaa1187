//go:build linux && !husk_core

package main

import (
	"context"
	"fmt"
	"io"

	"go.podman.io/image/v5/types"

	"github.com/husk-dev/husk/internal/hostinfo"
	"github.com/husk-dev/husk/internal/transfer"
	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/pull"
	"github.com/husk-dev/husk/pkg/pull/pullopts"
	"github.com/husk-dev/husk/pkg/storage"
)

// This build does image transfers itself: it is the transfer helper
// (bin/husk-transfer) that the command binary hands them to
// (internal/transfer), and what in-process tests run. transfer_core.go is
// the other side.

// handsOffTransfers: this build runs transfers in-process.
const handsOffTransfers = false

// warnCallerSkew warns when the husk that handed this command over is
// another build.
func warnCallerSkew() { transfer.WarnCallerSkew(version) }

// transfersInfo says where transfers run, for husk info.
func transfersInfo() hostinfo.Tool { return hostinfo.Tool{Name: "in-process"} }

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
	a.record(events.Image, events.Pull, res.ID, image)
	fmt.Fprintln(a.stdout, res.ID)
	return nil
}

// pullImage pulls for run and create (--pull), with progress on stderr,
// and returns the image ID.
func (a *app) pullImage(ctx context.Context, store *storage.Store, image string, ro pullopts.RegistryOptions, quiet bool) (string, error) {
	sys, err := a.withCache(ro).SystemContext()
	if err != nil {
		return "", err
	}
	res, err := pull.Pull(ctx, store, image, pull.Options{Sys: sys, Progress: a.progress(quiet)})
	if err != nil {
		return "", err
	}
	a.record(events.Image, events.Pull, res.ID, image)
	return res.ID, nil
}

func (a *app) runPush(ctx context.Context, src, dest string, ro pullopts.RegistryOptions, po pullopts.PushOptions, quiet bool) error {
	sys, store, err := a.openTransfer(ro)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := pull.Push(ctx, store, src, dest, pull.PushOptions{Sys: sys, Progress: a.progress(quiet), Settings: po}); err != nil {
		return err
	}
	a.record(events.Image, events.Push, imageID(store, src), dest)
	return nil
}

func (a *app) runSave(ctx context.Context, r saveRequest) error {
	images := r.images
	return transfer.ArchiveOut(r.output, a.stdout, func(path string, toStdout bool) error {
		store, err := a.openStore()
		if err != nil {
			return err
		}
		defer store.Close()
		o := pull.SaveOptions{Format: r.format, MultiImage: r.multi, Progress: a.progress(r.quiet || toStdout)}
		if err := pull.Save(ctx, store, images, path, o); err != nil {
			return err
		}
		for i, image := range images {
			if i == 0 || o.MultiImage {
				a.record(events.Image, events.Save, imageID(store, image), image)
			}
		}
		return nil
	})
}

func (a *app) runLoad(ctx context.Context, input string, quiet bool) error {
	return transfer.ArchiveIn(input, a.stdin, func(path string) error {
		store, err := a.openStore()
		if err != nil {
			return err
		}
		defer store.Close()
		loaded, err := pull.Load(ctx, store, path, a.progress(quiet))
		for _, l := range loaded {
			a.record(events.Image, events.Load, l.ID, l.Names[0])
			for _, n := range l.Names {
				fmt.Fprintf(a.stdout, "Loaded image: %s\n", n)
			}
		}
		return err
	})
}

func (a *app) runLogin(ctx context.Context, registry string, o loginOptions) error {
	sys, err := o.reg.SystemContext()
	if err != nil {
		return err
	}
	cred, err := transfer.Credentials{User: o.user, Password: o.password, PasswordStdin: o.passwordStdin}.Complete(a.stdin, a.stderr)
	if err != nil {
		return err
	}
	if _, err := pull.Login(ctx, sys, registry, cred.User, cred.Password); err != nil {
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
