package runtime

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/storage"
)

// makeEarlyDir makes the directory of a container made ahead, idDir
// with its userdata, marked as this process's (earlyFile): until the
// container exists, a later listing (List) removes it if this process
// was killed. It is made under a hidden name and renamed, so that no
// idDir is ever seen without its mark.
func makeEarlyDir(idDir string) error {
	parent, id := filepath.Split(idDir)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+id+"-")
	if err != nil {
		return err
	}
	err = writeStarter(filepath.Join(tmp, earlyFile), os.Getpid())
	if err == nil {
		err = os.Mkdir(filepath.Join(tmp, "userdata"), 0o700)
	}
	if err == nil {
		err = os.Rename(tmp, idDir)
	}
	if err != nil {
		_ = os.RemoveAll(tmp)
	}
	return err
}

// removeEarlyDir removes the directory of a container that was not made:
// renamed to a hidden name first, so that a kill in the middle of the
// removal leaves no idDir without its mark (sweepEarly finishes it).
func removeEarlyDir(idDir string) {
	parent, id := filepath.Split(idDir)
	gone := filepath.Join(parent, "."+id+goneSuffix)
	if err := os.Rename(idDir, gone); err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			logrus.Warnf("remove %s: %v", idDir, err)
		}
		return
	}
	if err := os.RemoveAll(gone); err != nil {
		logrus.Warnf("remove %s: %v", gone, err)
	}
}

// goneSuffix ends the hidden name of an early directory being removed.
const goneSuffix = "-gone"

// hiddenAge is how old a hidden early directory without a mark must be
// to be taken for one whose maker was killed: makeEarlyDir writes the
// mark microseconds after making it.
const hiddenAge = time.Minute

// sweepHidden removes the hidden early directories (makeEarlyDir,
// removeEarlyDir) that killed runs left in dir.
func sweepHidden(dir, name string) {
	id, rest, ok := strings.Cut(strings.TrimPrefix(name, "."), "-")
	if !ok || !strings.HasPrefix(name, ".") || !isID(id) || rest == "" {
		return
	}
	p := filepath.Join(dir, name)
	fi, err := os.Lstat(p)
	if err != nil || !fi.IsDir() {
		return
	}
	mark := filepath.Join(p, earlyFile)
	switch {
	case "-"+rest == goneSuffix:
	case starterGoneAt(mark):
	case missing(mark) && time.Since(fi.ModTime()) > hiddenAge:
	default:
		return // its run goes on
	}
	removeEarlyCgroup(p, id)
	if err := os.RemoveAll(p); err != nil {
		logrus.Warnf("remove %s: %v", p, err)
	}
}

// isID reports whether s is a container id (64 hex digits).
func isID(s string) bool { return len(s) == 64 && strings.Trim(s, "0123456789abcdef") == "" }

// sweepEarly removes what runs killed while their container's directory
// was made ahead left (see Early): a directory no container has (known
// are the containers' ids), with the cgroup its runtime was born in.
// Those of runs still going are left.
func sweepEarly(s *storage.Store, known map[string]bool) {
	dir := s.ContainersDir()
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, d := range ents {
		id := d.Name()
		if strings.HasPrefix(id, ".") {
			sweepHidden(dir, id)
			continue
		}
		if known[id] || !isID(id) {
			continue
		}
		idDir := filepath.Join(dir, id)
		if !starterGoneAt(filepath.Join(idDir, earlyFile)) {
			continue
		}
		if _, err := s.Container(id); err == nil {
			continue // created since known was listed
		}
		removeEarlyCgroup(idDir, id)
		logrus.Debugf("removing %s: its run was killed before the container was created", idDir)
		if err := os.RemoveAll(idDir); err != nil {
			logrus.Warnf("remove %s: %v", idDir, err)
		}
	}
}

// removeEarlyCgroup removes the cgroup the early runtime of the
// container directory idDir (of container id) was born in, for a run
// killed before the container's record was written: the runtime, still
// waiting for the spec it will never get, is the only process in it.
func removeEarlyCgroup(idDir, id string) {
	b, err := os.ReadFile(filepath.Join(idDir, earlyCgroupFile))
	if err != nil || filepath.Base(string(b)) != "husk-"+id {
		return
	}
	if len(cgroups.Pids(string(b))) > 0 {
		_ = cgroups.Kill(string(b))
	}
	if err := cgroups.Remove(string(b)); err != nil {
		logrus.Warnf("%v", err)
	}
}
