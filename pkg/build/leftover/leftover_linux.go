// Package leftover keeps account of what a running build puts outside
// its image — buildah's working containers in the store, the runtime's
// containers of RUN steps, the build's network namespace and its
// temporary files and mounts — so that what a build killed with SIGKILL
// leaves is found and removed by the next command that lists or checks
// (husk ps, husk system check, the next build).
//
// Each build has a directory GRAPHROOT/husk-builds/ID holding a lock file
// that the building process keeps locked for its whole life: once the
// lock is free, the builder is gone (a lock, unlike a pid, cannot be
// recycled). The build names its leftovers after ID: working containers
// "...build-ID" (buildah's ContainerSuffix), the network attachment
// "build-ID", the runtime's state under the directory (its --root), and
// its temporary files there too (TMPDIR).
//
// The package links no build engine: the command binary cleans up too.
package leftover

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime/oci"
	"github.com/husk-dev/husk/pkg/storage"
)

const (
	dirName      = "husk-builds"
	lockFile     = "lock"
	runtimesFile = "runtimes.json"
	runtimeDir   = "runtime"
	tmpDir       = "tmp"
	newPrefix    = "new-"
	// newAge: a "new-" directory is one whose builder died between
	// creating and naming it, once this old and unlocked.
	newAge = time.Minute
)

// Runtime is an OCI runtime the build may run RUN steps with.
type Runtime struct{ Name, Path string }

// Session is one running build's account.
type Session struct {
	ID    string
	dir   string
	store *storage.Store
	lock  *os.File
}

func buildsDir(s *storage.Store) string { return filepath.Join(s.GraphRoot, dirName) }

// NetRunDir is where the network attachments of the store's containers
// and builds are (pkg/netns).
func NetRunDir(s *storage.Store) string { return filepath.Join(s.RunRoot, "husk-netns") }

// Begin opens the account of a build that runtimes may run steps of. The
// caller ends it with End, whatever the build's outcome.
func Begin(s *storage.Store, runtimes []Runtime) (*Session, error) {
	base := buildsDir(s)
	if err := os.MkdirAll(base, 0o700); err != nil {
		return nil, fmt.Errorf("create build directory: %w", err)
	}
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("build id: %w", err)
	}
	id := hex.EncodeToString(b)
	// Locked before it gets its name: a cleaner never sees it unlocked.
	tmp := filepath.Join(base, newPrefix+id)
	if err := os.Mkdir(tmp, 0o700); err != nil {
		return nil, fmt.Errorf("create build directory: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(tmp, lockFile), os.O_CREATE|os.O_RDWR, 0o600)
	if err == nil {
		err = unix.Flock(int(lock.Fd()), unix.LOCK_EX)
	}
	if err == nil {
		err = writeRuntimes(tmp, runtimes)
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(base, id))
	}
	if err != nil {
		if lock != nil {
			lock.Close()
		}
		_ = os.RemoveAll(tmp)
		return nil, fmt.Errorf("create build directory: %w", err)
	}
	return &Session{ID: id, dir: filepath.Join(base, id), store: s, lock: lock}, nil
}

func writeRuntimes(dir string, runtimes []Runtime) error {
	m := map[string]string{}
	for _, rt := range runtimes {
		m[rt.Name] = rt.Path
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, runtimesFile), b, 0o600)
}

// ContainerSuffix names the build's working containers (buildah makes
// them IMAGE-SUFFIX, with -N added when a name is taken).
func (s *Session) ContainerSuffix() string { return "build-" + s.ID }

// NetworkID is the id of the build's network attachment (pkg/netns).
func (s *Session) NetworkID() string { return "build-" + s.ID }

// RuntimeRoot is the state directory (--root) of runtime name for the
// build's RUN steps.
func (s *Session) RuntimeRoot(name string) string { return filepath.Join(s.dir, runtimeDir, name) }

// TempDir is the build's temporary directory.
func (s *Session) TempDir() string { return filepath.Join(s.dir, tmpDir) }

// Stop kills what still runs of the build's RUN steps (an interrupted
// build: the runtime's containers do not end with their caller); buildah
// then deletes them as after any step.
func (s *Session) Stop(ctx context.Context) { eachRuntimeContainer(ctx, s.dir, false) }

// End removes everything the build left and closes its account.
func (s *Session) End(ctx context.Context) {
	removeBuild(ctx, s.store, s.dir, s.ID)
	s.lock.Close()
}

// Clean removes what builds whose builder is gone left behind and returns
// their IDs. It is quick when there is nothing: one directory read.
func Clean(ctx context.Context, s *storage.Store) []string {
	base := buildsDir(s)
	entries, err := os.ReadDir(base)
	if err != nil {
		return nil
	}
	var done []string
	for _, e := range entries {
		dir := filepath.Join(base, e.Name())
		lock, ok := tryLock(dir)
		if !ok {
			continue // its builder runs
		}
		if strings.HasPrefix(e.Name(), newPrefix) {
			if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > newAge {
				_ = os.RemoveAll(dir)
			}
			lock.Close()
			continue
		}
		logrus.Debugf("removing what build %s left: its builder is gone", e.Name())
		removeBuild(ctx, s, dir, e.Name())
		lock.Close()
		done = append(done, e.Name())
	}
	return done
}

// tryLock takes the lock of the build in dir if its builder is gone.
func tryLock(dir string) (*os.File, bool) {
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		// A directory without a lock file: nothing runs in it.
		f, err = os.OpenFile(filepath.Join(dir, lockFile), os.O_CREATE|os.O_RDWR, 0o600)
	}
	if err != nil {
		return nil, false
	}
	if unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) != nil {
		f.Close()
		return nil, false
	}
	return f, true
}

// removeBuild removes the leftovers of build id (directory dir): first
// what runs (the runtime's containers, which use the rest), then the
// working containers, the network, the mounts and files.
func removeBuild(ctx context.Context, s *storage.Store, dir, id string) {
	eachRuntimeContainer(ctx, dir, true)
	removeContainers(s, id)
	if err := netns.Detach(NetRunDir(s), "build-"+id); err != nil {
		logrus.Warnf("remove the network of build %s: %v", id, err)
	}
	unmountBelow(dir)
	if err := os.RemoveAll(dir); err != nil {
		logrus.Warnf("remove the files of build %s: %v", id, err)
	}
}

// eachRuntimeContainer kills every container in the build's runtime state
// directories, and with del deletes it.
func eachRuntimeContainer(ctx context.Context, dir string, del bool) {
	paths := map[string]string{}
	if b, err := os.ReadFile(filepath.Join(dir, runtimesFile)); err == nil {
		_ = json.Unmarshal(b, &paths)
	}
	roots, _ := os.ReadDir(filepath.Join(dir, runtimeDir))
	for _, r := range roots {
		path := paths[r.Name()]
		if path == "" {
			if p, err := exec.LookPath(r.Name()); err == nil {
				path = p
			}
		}
		root := filepath.Join(dir, runtimeDir, r.Name())
		ctrs, _ := os.ReadDir(root)
		for _, c := range ctrs {
			if !c.IsDir() || path == "" {
				continue
			}
			if !del {
				_ = exec.CommandContext(ctx, path, "--root", root, "kill", c.Name(), "KILL").Run()
				continue
			}
			rt := oci.NewCLI(r.Name(), path, root)
			if err := rt.Driver(nil).Delete(ctx, c.Name(), oci.DeleteOptions{}); err != nil {
				logrus.Warnf("remove the %s container %s of a build: %v", r.Name(), c.Name(), err)
			}
		}
	}
}

// containerName matches the names of build id's working containers.
func containerName(id string) *regexp.Regexp {
	return regexp.MustCompile(`(^|-)build-` + regexp.QuoteMeta(id) + `(-[0-9]+)?$`)
}

// removeContainers removes build id's working containers from the store.
func removeContainers(s *storage.Store, id string) {
	all, err := s.Containers()
	if err != nil {
		logrus.Warnf("list containers: %v", err)
		return
	}
	re := containerName(id)
	for _, c := range all {
		if len(c.Names) == 0 || !re.MatchString(c.Names[0]) || strings.Contains(c.Metadata, `"husk"`) {
			continue
		}
		if err := s.DeleteContainer(c.ID); err != nil {
			_, _ = s.Unmount(c.ID, true)
			if err := s.DeleteContainer(c.ID); err != nil {
				logrus.Warnf("remove the working container %s of build %s: %v", c.Names[0], id, err)
			}
		}
	}
}

// unmountBelow unmounts what is mounted under dir (the build context's
// overlay, RUN steps' mounts), deepest first.
func unmountBelow(dir string) {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return
	}
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return
	}
	defer f.Close()
	var points []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		p := unescape(fields[4])
		if strings.HasPrefix(p, real+"/") {
			points = append(points, p)
		}
	}
	sort.Slice(points, func(i, j int) bool { return len(points[i]) > len(points[j]) })
	for _, p := range points {
		if err := unix.Unmount(p, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
			logrus.Warnf("unmount %s: %v", p, err)
		}
	}
}

// unescape undoes mountinfo's octal escapes (\040 for a space, ...).
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			var v byte
			ok := true
			for _, c := range s[i+1 : i+4] {
				if c < '0' || c > '7' {
					ok = false
					break
				}
				v = v*8 + byte(c-'0')
			}
			if ok {
				b.WriteByte(v)
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
