package build

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
	"testing"
)

func TestNameTheContext(t *testing.T) {
	inner := fmt.Errorf(`building at STEP "COPY nothere.txt /x": checking on sources under "/var/tmp/buildah-context-3080324959/overlay/3277051825/merge": copier: stat: "/nothere.txt": %w`, syscall.ENOENT)
	err := nameTheContext(inner, "/home/u/app")
	want := `building at STEP "COPY nothere.txt /x": checking on sources under "/home/u/app": copier: stat: "/nothere.txt": no such file or directory (COPY and ADD sources are paths in the build context, less what .containerignore or .dockerignore excludes)`
	if got := err.Error(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Error("the error chain is lost")
	}
	dump := errors.New(`building at STEP "COPY . /ctx/": reading "/var/tmp/buildah-context-1/overlay/2/merge": error during bulk transfer for copier.request{Request:"GET", Root:"/", GetOptions:copier.GetOptions{UIDMap:[]idtools.IDMap(nil)}, RemoveOptions:copier.RemoveOptions{All:false}}: copier: get: "/"("/"): opening file for adding its contents to archive: open /rootonly.txt: permission denied`)
	want = `building at STEP "COPY . /ctx/": reading "/home/u/app": copier: get: "/"("/"): opening file for adding its contents to archive: open /rootonly.txt: permission denied (a file of the build context you cannot read: make it readable, or exclude it in .containerignore)`
	if got := nameTheContext(dump, "/home/u/app").Error(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	other := errors.New("while running runtime: exit status 7")
	if nameTheContext(other, "/ctx") != other {
		t.Error("an error naming no overlay was changed")
	}
}
