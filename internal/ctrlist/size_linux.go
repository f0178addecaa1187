package ctrlist

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/storage"
)

// containerSize is the size of c's writable layer and of its image (nil
// when the store cannot say).
func containerSize(store *storage.Store, c *runtime.Container) *Size {
	sc, err := store.Container(c.ID)
	if err != nil {
		return nil
	}
	rw, err := store.DiffSize("", sc.LayerID)
	if err != nil {
		return nil
	}
	var rootfs int64
	if c.Config.ImageID != "" {
		if n, err := store.ImageSize(c.Config.ImageID); err == nil {
			rootfs = n
		}
	}
	return &Size{RootFsSize: rootfs, RwSize: rw}
}

// namespacesOf are the inode numbers of c's init process's namespaces.
func namespacesOf(c *runtime.Container) Namespaces {
	ino := func(name string) string {
		l, err := os.Readlink(filepath.Join("/proc", strconv.Itoa(c.State.Pid), "ns", name))
		if err != nil {
			return ""
		}
		// "net:[4026532265]"
		_, v, _ := strings.Cut(l, "[")
		return strings.TrimSuffix(v, "]")
	}
	return Namespaces{Cgroup: ino("cgroup"), Ipc: ino("ipc"), Mnt: ino("mnt"), Net: ino("net"), Pidns: ino("pid"),
		User: ino("user"), Uts: ino("uts")}
}
