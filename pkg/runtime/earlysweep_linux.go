package runtime

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/storage"
)

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
		if known[id] || len(id) != 64 || strings.Trim(id, "0123456789abcdef") != "" {
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
