package build

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"go.podman.io/storage/pkg/unshare"

	"github.com/husk-dev/husk/pkg/build/leftover"
)

// beginAccount opens the build's account (pkg/build/leftover) after
// removing what killed builds left, and points buildah's temporary files
// into it. The returned function ends it.
func beginAccount(ctx context.Context, env Env) (*leftover.Session, func(), error) {
	leftover.Clean(ctx, env.Store)
	var rts []leftover.Runtime
	for _, rt := range env.Runtimes {
		rts = append(rts, leftover.Runtime{Name: rt.Name, Path: rt.Path})
	}
	sess, err := leftover.Begin(env.Store, rts)
	if err != nil {
		return nil, nil, err
	}
	restore, err := useTempDir(sess.TempDir())
	if err != nil {
		sess.End(context.WithoutCancel(ctx))
		return nil, nil, err
	}
	// An interrupted build's RUN step goes at once: the runtime's
	// container does not end with buildah's wait for it.
	stop := context.AfterFunc(ctx, func() { sess.Stop(context.Background()) })
	return sess, func() {
		stop()
		restore()
		sess.End(context.WithoutCancel(ctx))
	}, nil
}

// useTempDir makes dir buildah's temporary directory (TMPDIR), so that
// what an interrupted build leaves there goes with its account. buildah
// keeps RUN --mount=type=cache directories in TMPDIR too: those stay where
// they were, shared by all builds, through a link.
func useTempDir(dir string) (func(), error) {
	old, had := os.LookupEnv("TMPDIR")
	shared := old
	if !had || shared == "" {
		shared = "/var/tmp" // buildah's default without containers.conf
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create the build's temporary directory: %w", err)
	}
	cache := "buildah-cache-" + strconv.Itoa(unshare.GetRootlessUID())
	if err := os.MkdirAll(filepath.Join(shared, cache), 0o700); err != nil {
		return nil, fmt.Errorf("create the build cache directory: %w", err)
	}
	if err := os.Symlink(filepath.Join(shared, cache), filepath.Join(dir, cache)); err != nil {
		return nil, fmt.Errorf("link the build cache directory: %w", err)
	}
	if err := os.Setenv("TMPDIR", dir); err != nil {
		return nil, err
	}
	return func() {
		if had {
			_ = os.Setenv("TMPDIR", old)
		} else {
			_ = os.Unsetenv("TMPDIR")
		}
	}, nil
}
