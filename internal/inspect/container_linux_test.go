package inspect

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/spec"
)

const testID = "204abfe1ec35658932b317aa6a11852ba5a791846ee2602459183b76b1331ce9"

var testOCI = `{"ociVersion":"1.0.2-dev","process":{"args":["sh","-c","sleep 9"],"env":["PATH=/bin","FOO=bar"],"cwd":"/srv",
"capabilities":{"bounding":["CAP_KILL","CAP_CHOWN","CAP_NET_ADMIN"],"effective":["CAP_KILL","CAP_CHOWN","CAP_NET_ADMIN"]},
"rlimits":[{"type":"RLIMIT_NOFILE","hard":20,"soft":10}]}}`

func running() *runtime.Container {
	ep := []string{"sh", "-c"}
	return &runtime.Container{ID: testID, Name: "web", Dir: "/b",
		Config: runtime.Config{
			Image: "reg/busybox", ImageID: "42f7", Entrypoint: &ep, Command: []string{"sleep 9"}, StopSignal: "SIGUSR1",
			Labels: map[string]string{"a": "b"}, Remove: true,
			Net: netns.Config{Ports: []netns.PortMapping{
				{HostPort: 8080, ContainerPort: 80, Protocol: "tcp"},
				{HostIP: "127.0.0.1", HostPort: 9000, ContainerPort: 90, Range: 2, Protocol: "udp"},
			}, DNS: []string{"1.1.1.1"}, Mode: netns.ModePrivate},
			Volumes: []runtime.VolumeSpec{
				{Kind: runtime.VolumeNamed, Source: "v1", Destination: "/data"},
				{Kind: runtime.VolumeBind, Source: "/tmp", Destination: "/t", ReadOnly: true, Options: []string{"rshared"}},
				{Kind: runtime.VolumeTmpfs, Destination: "/run", Options: []string{"size=1m"}},
			},
			Isolation: runtime.Isolation{ImageMounts: []runtime.ImageMount{{Image: "reg/busybox", ID: "42f7", Destination: "/img"}}},
		},
		State: runtime.State{Status: runtime.StatusRunning, Pid: 42, MonitorPid: 41, Runtime: "runc",
			CreatedAt: time.Unix(100, 0).UTC(), StartedAt: time.Unix(200, 0).UTC(), Cgroup: "/sys/fs/cgroup/unified/u/husk-1",
			Net: &netns.Info{Mode: "pasta", IP: "192.0.2.2"}},
	}
}

func testSource() Source {
	return Source{OCIConfig: []byte(testOCI), Driver: "overlay", CgroupManager: "cgroupfs", ImageDigest: "sha256:c2",
		Image:      &spec.ImageConfig{Cmd: []string{"/bin/sh"}, Env: []string{"PATH=/bin"}, User: "app"},
		VolumePath: func(n string) string { return "/vols/" + n + "/_data" }}
}

func TestFromContainerRunning(t *testing.T) {
	got := FromContainer(running(), testSource())
	check := func(what string, have, want any) {
		t.Helper()
		if !reflect.DeepEqual(have, want) {
			t.Errorf("%s: %#v, want %#v", what, have, want)
		}
	}
	check("Path Args", []any{got.Path, got.Args}, []any{"sh", []string{"-c", "sleep 9"}})
	check("State", []any{got.State.Status, got.State.Running, got.State.Pid, got.State.ConmonPid, got.State.CgroupPath},
		[]any{"running", true, 42, 41, "/u/husk-1"})
	check("Image", []any{got.Image, got.ImageName, got.ImageDigest, got.OCIRuntime, got.Driver}, []any{"42f7", "reg/busybox", "sha256:c2", "runc", "overlay"})
	check("Config.Entrypoint Cmd", []any{got.Config.Entrypoint, got.Config.Cmd}, []any{[]string{"sh", "-c"}, []string{"sleep 9"}})
	check("Config.Env", got.Config.Env, []string{"PATH=/bin", "FOO=bar"})
	check("Config.User WorkingDir Hostname", []any{got.Config.User, got.Config.WorkingDir, got.Config.Hostname}, []any{"app", "/srv", testID[:12]})
	check("Config.StopSignal", got.Config.StopSignal, uint(10))
	check("Config.Labels Annotations", []any{got.Config.Labels, got.Config.Annotations}, []any{map[string]string{"a": "b"}, map[string]string{}})
	check("caps", []any{got.BoundingCaps, got.HostConfig.CapAdd},
		[]any{[]string{"CAP_CHOWN", "CAP_KILL", "CAP_NET_ADMIN"}, []string{"CAP_NET_ADMIN"}})
	if len(got.HostConfig.CapDrop) != len(dockerDefaultCaps)-2 || slices.Contains(got.HostConfig.CapDrop, "CAP_KILL") {
		t.Errorf("CapDrop %q", got.HostConfig.CapDrop)
	}
	wantPorts := map[string][]HostPort{"80/tcp": {{HostPort: "8080"}}, "90/udp": {{HostIp: "127.0.0.1", HostPort: "9000"}},
		"91/udp": {{HostIp: "127.0.0.1", HostPort: "9001"}}}
	check("Ports", got.NetworkSettings.Ports, wantPorts)
	check("PortBindings", got.HostConfig.PortBindings, wantPorts)
	check("IPAddress", got.NetworkSettings.IPAddress, "192.0.2.2")
	check("Mounts", got.Mounts, []Mount{
		{Type: "volume", Name: "v1", Source: "/vols/v1/_data", Destination: "/data", Driver: "local", Options: []string{"nosuid", "nodev", "rbind"}, RW: true, Propagation: "rprivate"},
		{Type: "image", Source: "reg/busybox", Destination: "/img"},
		{Type: "bind", Source: "/tmp", Destination: "/t", Options: []string{"rbind"}, Propagation: "rshared"},
	})
	check("Binds", got.HostConfig.Binds, []string{"v1:/data:rw,rprivate,nosuid,nodev,rbind", "/tmp:/t:ro,rshared,rbind"})
	check("Tmpfs", got.HostConfig.Tmpfs, map[string]string{"/run": "rw,rprivate,nosuid,nodev,size=1m"})
	check("HostConfig", []any{got.HostConfig.AutoRemove, got.HostConfig.Dns, got.HostConfig.NetworkMode, got.HostConfig.CgroupManager},
		[]any{true, []string{"1.1.1.1"}, "pasta", "cgroupfs"})
	check("Ulimits", got.HostConfig.Ulimits, []Ulimit{{Name: "RLIMIT_NOFILE", Soft: 10, Hard: 20}})
	check("husk's own", []any{got.Bundle, got.HuskState.(runtime.State).MonitorPid, got.ID()}, []any{"/b", 41, testID})
}

func TestLogSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0B", -1: "0B", 999: "999B", 10000000: "10MB", 20 << 20: "20.97MB", 1 << 40: "1.1TB"} {
		if got := logSize(n); got != want {
			t.Errorf("%d: %q, want %q", n, got, want)
		}
	}
}

func TestFromContainerOnUserNetwork(t *testing.T) {
	c := running()
	c.Config.Net.Mode = "appnet"
	c.Config.Net.Aliases = []string{"db"}
	src := testSource()
	src.Network = func(name string) (int, string) { return 24, "10.89.3.1" }
	got := FromContainer(c, src)
	want := map[string]*NetworkElement{"appnet": {IPAddress: "192.0.2.2", IPPrefixLen: 24, Gateway: "10.89.3.1", NetworkID: "appnet", Aliases: []string{testID[:12], "db"}}}
	if !reflect.DeepEqual(got.NetworkSettings.Networks, want) || got.HostConfig.NetworkMode != "bridge" {
		t.Errorf("%+v %q", got.NetworkSettings.Networks["appnet"], got.HostConfig.NetworkMode)
	}
}

func TestFromContainerStates(t *testing.T) {
	c := running()
	c.State.Paused = true
	if got := FromContainer(c, Source{}).State; got.Status != "paused" || got.Running || !got.Paused || got.Pid != 42 {
		t.Errorf("paused: %+v", got)
	}
	c.State = runtime.State{Status: runtime.StatusExited, ExitCode: 3, Pid: 42, MonitorPid: 41}
	got := FromContainer(c, Source{})
	if got.State.Status != "exited" || got.State.Running || got.State.Pid != 0 || got.State.ConmonPid != 0 || got.State.ExitCode != 3 {
		t.Errorf("exited: %+v", got.State)
	}
	if got.NetworkSettings.IPAddress != "" || len(got.NetworkSettings.Ports) != 3 {
		t.Errorf("exited network: %+v", got.NetworkSettings)
	}
	// Before config.json: the record's entrypoint and command, the
	// user's cap flags, OCI's version.
	c.Config.CapAdd = []string{"CAP_NET_ADMIN"}
	got = FromContainer(c, Source{})
	if got.Path != "sh" || !reflect.DeepEqual(got.Args, []string{"-c", "sleep 9"}) || got.State.OciVersion == "" ||
		!reflect.DeepEqual(got.HostConfig.CapAdd, []string{"CAP_NET_ADMIN"}) || got.OCIConfig != nil {
		t.Errorf("without config.json: %q %q %+v", got.Path, got.Args, got.HostConfig.CapAdd)
	}
}

// The JSON has podman 4.3.1's keys at every level (testdata: podman's
// output for a running container with a published port and a volume),
// with the same JSON types, and only husk's own keys besides.
func TestPodmanKeys(t *testing.T) {
	b, err := os.ReadFile("testdata/podman-4.3.1-container.json")
	if err != nil {
		t.Fatal(err)
	}
	var podman []any
	if err := json.Unmarshal(b, &podman); err != nil {
		t.Fatal(err)
	}
	mine, err := json.Marshal(FromContainer(running(), testSource()))
	if err != nil {
		t.Fatal(err)
	}
	var husk any
	if err := json.Unmarshal(mine, &husk); err != nil {
		t.Fatal(err)
	}
	var diffs []string
	sameShape(podman[0], husk, "", &diffs)
	if len(diffs) > 0 {
		t.Errorf("differences from podman's:\n%s", strings.Join(diffs, "\n"))
	}
}

// dataMaps have data for keys; later podman's types win for these.
var (
	dataMaps   = []string{".Config.Labels", ".Config.Annotations", ".NetworkSettings.Ports", ".HostConfig.PortBindings", ".HostConfig.Tmpfs"}
	laterTypes = []string{".Config.Entrypoint"}
	huskOwn    = []string{".HuskConfig", ".HuskState", ".Bundle", ".OCIConfig", ".State.CgroupPath"}
	// omitted when empty, by podman too; husk does not record the
	// command line; a mount's Name is a named volume's only.
	optional = []string{".Config.CreateCommand", ".Mounts[].Name"}
)

func sameShape(p, h any, path string, diffs *[]string) {
	if p == nil || h == nil || slices.Contains(laterTypes, path) {
		return
	}
	if reflect.TypeOf(p) != reflect.TypeOf(h) {
		*diffs = append(*diffs, path+": podman's "+reflect.TypeOf(p).String()+", husk's "+reflect.TypeOf(h).String())
		return
	}
	switch p := p.(type) {
	case []any:
		if hs := h.([]any); len(p) > 0 {
			for _, x := range hs {
				sameShape(p[0], x, path+"[]", diffs)
			}
		}
	case map[string]any:
		hm := h.(map[string]any)
		if slices.Contains(dataMaps, path) {
			return
		}
		for k, v := range p {
			if _, ok := hm[k]; !ok {
				if !slices.Contains(optional, path+"."+k) {
					*diffs = append(*diffs, path+"."+k+": missing")
				}
				continue
			}
			sameShape(v, hm[k], path+"."+k, diffs)
		}
		for k := range hm {
			if _, ok := p[k]; !ok && !slices.Contains(huskOwn, path+"."+k) {
				*diffs = append(*diffs, path+"."+k+": husk's only")
			}
		}
	}
}
