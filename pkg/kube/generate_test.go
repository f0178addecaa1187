package kube

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/husk-dev/husk/internal/inspect"
)

// inspectRunner answers husk's inspect commands from fixed records.
type inspectRunner struct {
	pods  map[string]any
	ctrs  map[string]inspect.Container
	image any
}

func (f *inspectRunner) Husk(_ context.Context, _ []byte, args ...string) (string, error) {
	name := args[len(args)-1]
	var v any
	switch strings.Join(args[:2], " ") {
	case "pod exists":
		if f.pods[name] == nil {
			return "", fmt.Errorf("no such pod")
		}
		return "", nil
	case "pod inspect":
		v = f.pods[name]
	case "container inspect":
		c, ok := f.ctrs[name]
		if !ok {
			return "", fmt.Errorf("no such container %s", name)
		}
		v = []inspect.Container{c}
	case "image inspect":
		v = []any{f.image}
	default:
		return "", fmt.Errorf("unexpected %q", args)
	}
	b, err := json.Marshal(v)
	return string(b), err
}

func TestGenerateRoundTrips(t *testing.T) {
	var srv inspect.Container
	srv.Name, srv.ImageName, srv.Image, srv.Pod = "app-srv", "busybox", "imgid", "podid"
	srv.Config.Entrypoint = []string{"httpd", "-f"}
	srv.Config.Cmd = []string{"-p", "80"}
	srv.Config.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "A=b", "container=podman", "HOSTNAME=app"}
	srv.Config.WorkingDir = "/www"
	srv.Config.User = "1000:1000"
	srv.Config.Healthcheck = &inspect.HealthConfig{Test: []string{"CMD", "true"}, Interval: 5 * time.Second, Timeout: time.Second, Retries: 3}
	srv.Config.HealthcheckOnFailureAction = "restart"
	srv.HostConfig.RestartPolicy.Name = "always"
	srv.HostConfig.CapDrop = []string{"CAP_NET_RAW"}
	srv.HostConfig.ReadonlyRootfs = true
	srv.HostConfig.Memory = 64 << 20
	srv.HostConfig.NanoCpus = 500_000_000
	srv.Mounts = []inspect.Mount{{Type: "volume", Name: "data", Destination: "/data", RW: true}}
	r := &inspectRunner{
		pods: map[string]any{"app": map[string]any{"Name": "app", "Hostname": "app", "Labels": map[string]string{"tier": "web"},
			"InfraContainerID": "infra", "InfraConfig": map[string]any{"PortBindings": map[string]any{"80/tcp": []any{map[string]string{"HostIp": "", "HostPort": "8080"}}}},
			"Containers": []any{map[string]string{"Id": "infra"}, map[string]string{"Id": "c1"}}}},
		ctrs:  map[string]inspect.Container{"c1": srv},
		image: map[string]any{"Config": map[string]any{"Env": []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}, "Cmd": []string{"sh"}}},
	}
	for _, kind := range []string{"pod", "deployment"} {
		var out bytes.Buffer
		if err := Generate(context.Background(), r, []string{"app"}, GenerateOptions{Type: kind, Service: true}, &out); err != nil {
			t.Fatal(err)
		}
		// It decodes strictly, and plays back as the same pod.
		objs, err := Decode(&out)
		if err != nil {
			t.Fatalf("%s: %v\n%s", kind, err, out.String())
		}
		pods, err := Plan(objs, Options{})
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if kind == "deployment" {
			if pods[0].Name != "app-deployment-pod-0" {
				t.Errorf("deployment pod %q", pods[0].Name)
			}
			continue
		}
		if len(objs.Services) != 1 {
			t.Errorf("%d services", len(objs.Services))
		}
		p := pods[0]
		if !slices.Contains(p.Create, "8080:80/tcp") || !slices.Contains(p.Create, "tier=web") {
			t.Errorf("create %q", p.Create)
		}
		got := strings.Join(p.Containers[0], " ")
		for _, want := range []string{"--name app-srv", "--restart always", "--env A=b", "--workdir /www", "--user 1000:1000",
			"--read-only", "--cap-drop NET_RAW", "--memory 67108864", "--cpus 0.5", `--health-cmd ["CMD","true"]`, "--health-on-failure restart",
			"--volume data:/data", `--entrypoint ["httpd","-f"] busybox -p 80`} {
			if !strings.Contains(got, want) {
				t.Errorf("played back without %q:\n%s", want, got)
			}
		}
		if strings.Contains(got, "container=") || strings.Contains(got, "PATH=") {
			t.Errorf("image or default environment carried: %s", got)
		}
	}
}

func TestGenerateLoneContainerAndMissing(t *testing.T) {
	var c inspect.Container
	c.Name, c.ImageName = "solo", "busybox"
	c.Config.Cmd = []string{"sleep", "9"}
	r := &inspectRunner{ctrs: map[string]inspect.Container{"solo": c}, image: map[string]any{}}
	var out bytes.Buffer
	if err := Generate(context.Background(), r, []string{"solo"}, GenerateOptions{}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "name: solo-pod") || !strings.Contains(out.String(), "restartPolicy: Never") {
		t.Errorf("%s", out.String())
	}
	if err := Generate(context.Background(), r, []string{"nope"}, GenerateOptions{}, &out); err == nil || !strings.Contains(err.Error(), "neither a pod nor a container") {
		t.Errorf("missing: %v", err)
	}
}
