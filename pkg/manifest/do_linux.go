package manifest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/opencontainers/go-digest"

	"github.com/husk-dev/husk/pkg/manifest/manifestopts"
	"github.com/husk-dev/husk/pkg/storage"
)

// ErrNoList is Do's answer to "exists" for a name that is no stored list.
var ErrNoList = errors.New("no such manifest list")

// Do carries out one manifest command, printing what podman prints to
// stdout. rm goes on past a list it cannot remove: it returns the first
// such error and reports the others on stderr.
func Do(ctx context.Context, env Env, r manifestopts.Request, stdout, stderr io.Writer) error {
	switch r.Op {
	case "create":
		id, err := Create(ctx, env, r.Args[0], r.Args[1:], r.Add)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, id)
		return nil
	case "add":
		if _, err := Add(ctx, env, r.Args[0], r.Args[1], r.Add); err != nil {
			return err
		}
		return printID(env, r.Args[0], stdout)
	case "inspect":
		return Inspect(ctx, env, r.Args[0], stdout)
	case "push":
		return pushRequest(ctx, env, r)
	case "rm":
		return removeLists(env, r.Args, stdout, stderr)
	case "remove":
		d, err := digest.Parse(r.Args[1])
		if err != nil {
			return fmt.Errorf("instance digest %q: %w", r.Args[1], err)
		}
		if err := RemoveInstance(env, r.Args[0], d); err != nil {
			return err
		}
		return printID(env, r.Args[0], stdout)
	case "exists":
		ok, err := Exists(env, r.Args[0])
		if err == nil && !ok {
			err = ErrNoList
		}
		return err
	}
	return fmt.Errorf("unknown manifest command %q", r.Op)
}

func pushRequest(ctx context.Context, env Env, r manifestopts.Request) error {
	dest := r.Args[0]
	if len(r.Args) == 2 {
		dest = r.Args[1]
	}
	d, err := Push(ctx, env, r.Args[0], dest, r.Push)
	if err != nil {
		return err
	}
	if r.Push.DigestFile != "" {
		if err := os.WriteFile(r.Push.DigestFile, []byte(d.String()), 0o644); err != nil {
			return fmt.Errorf("write the digest file: %w", err)
		}
	}
	if r.Push.Rm {
		_, err = Remove(env, r.Args[0])
	}
	return err
}

func printID(env Env, list string, w io.Writer) error {
	img, _, err := env.Store.Lookup(list)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, img.ID)
	return nil
}

// removeLists removes each list, printing what rmi prints.
func removeLists(env Env, names []string, stdout, stderr io.Writer) error {
	var first error
	for _, n := range names {
		res, err := Remove(env, n)
		if err != nil {
			if first == nil {
				first = err // the caller reports it
			} else {
				fmt.Fprintf(stderr, "husk: %v\n", err)
			}
			continue
		}
		storage.WriteRemoval(stdout, res)
	}
	return first
}
