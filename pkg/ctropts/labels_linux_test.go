package ctropts

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestLabelsAndAnnotations(t *testing.T) {
	file := filepath.Join(t.TempDir(), "labels")
	if err := os.WriteFile(file, []byte("a=file\nb=file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	o := Options{Labels: []string{"b=flag", "c"}, LabelFiles: []string{file}, Annotations: []string{"x=1"}}
	cfg, err := o.Config("busybox", nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"a": "file", "b": "flag", "c": ""}; !reflect.DeepEqual(cfg.Labels, want) {
		t.Errorf("labels %v, want %v", cfg.Labels, want)
	}
	if want := map[string]string{"x": "1"}; !reflect.DeepEqual(cfg.Annotations, want) {
		t.Errorf("annotations %v, want %v", cfg.Annotations, want)
	}
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{Annotations: []string{"x"}}, `annotation "x": no value`},
		{Options{Labels: []string{"=v"}}, `label "=v": empty key`},
		{Options{LabelFiles: []string{"/dev/zero"}}, `label-file: "/dev/zero" is not a regular file`},
	} {
		if _, err := c.o.Config("busybox", nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want %q", c.o, err, c.want)
		}
	}
}
