package kube

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Options of Play and Down.
type Options struct {
	// Network is every pod's --network (empty: husk's default network).
	Network string
	// ConfigMaps are given beside the YAML (--configmap), looked up after
	// the YAML's own.
	ConfigMaps []*corev1.ConfigMap
	// Warn gets one line per field husk leaves to a cluster.
	Warn io.Writer
	// Down plans to take down: what Play made is named from the YAML
	// alone, so references to ConfigMaps or Secrets it lacks, and host
	// paths, are not checked.
	Down bool
}

// Pod is one pod to make: the husk commands that make it, in order.
type Pod struct {
	Name string
	// Kind and Owner say where it came from (Deployment "web" makes pods
	// web-pod-0, web-pod-1).
	Kind, Owner string
	Create      []string // husk pod create …
	// Secrets and Volumes are made before the pod and go with it (a
	// claim's volume is made when missing and stays).
	Secrets   []Secret
	Volumes   []Volume
	HostPaths []HostPath
	// Grace is the YAML's terminationGracePeriodSeconds (nil: none):
	// with one, Down stops the containers within their stop timeout;
	// without, it kills them at once, as podman's kube down does.
	Grace *int64
	// Images are the containers' images, for --build.
	Images []string
	// Init run in the foreground, in order, before Containers start.
	Init       [][]string
	Containers [][]string
}

// Secret is a husk secret a pod's containers read (a key of a Secret).
type Secret struct {
	Name string
	Data []byte
}

// Volume is a named volume a pod mounts.
type Volume struct {
	Name string
	// Opts for volume create (tmpfs for an emptyDir in memory).
	Opts []string
	// Files fill it (a ConfigMap's keys), path → content.
	Files map[string][]byte
	// Keep: a claim's volume, which outlives the pod.
	Keep bool
}

// Plan turns the objects into the pods to make, in input order
// (Pods, then Deployments' replicas, then Jobs).
func Plan(objs *Objects, o Options) ([]Pod, error) {
	p := &planner{objs: objs, opts: o}
	for _, s := range objs.Services {
		p.warn("Service %q is not used: husk publishes a pod's ports through their hostPort", s.Name)
	}
	var pods []Pod
	add := func(kind, owner, name string, meta metav1.ObjectMeta, spec *corev1.PodSpec) error {
		pod, err := p.pod(kind, owner, name, meta, spec)
		if err != nil {
			return fmt.Errorf("%s %q: %w", kind, owner, err)
		}
		pods = append(pods, pod)
		return nil
	}
	for _, pod := range objs.Pods {
		if err := add("Pod", pod.Name, pod.Name, pod.ObjectMeta, &pod.Spec); err != nil {
			return nil, err
		}
	}
	for _, d := range objs.Deployments {
		replicas := 1
		if d.Spec.Replicas != nil {
			replicas = int(*d.Spec.Replicas)
		}
		if replicas < 0 {
			return nil, fmt.Errorf("%s %q: replicas %d", "Deployment", d.Name, replicas)
		}
		if replicas > 1 && hasHostPort(&d.Spec.Template.Spec) {
			return nil, fmt.Errorf("%s %q: %d replicas cannot all bind the same hostPort on one host: use replicas: 1 or drop hostPort", "Deployment", d.Name, replicas)
		}
		if d.Spec.Template.Spec.RestartPolicy != "" && d.Spec.Template.Spec.RestartPolicy != corev1.RestartPolicyAlways {
			return nil, fmt.Errorf("%s %q: restartPolicy %q: a Deployment's pods restart Always", "Deployment", d.Name, d.Spec.Template.Spec.RestartPolicy)
		}
		for i := 0; i < replicas; i++ {
			meta := d.Spec.Template.ObjectMeta
			if err := add("Deployment", d.Name, d.Name+"-pod-"+strconv.Itoa(i), meta, &d.Spec.Template.Spec); err != nil {
				return nil, err
			}
		}
	}
	for _, j := range objs.Jobs {
		spec := j.Spec.Template.Spec
		switch spec.RestartPolicy {
		case corev1.RestartPolicyNever, corev1.RestartPolicyOnFailure:
		default:
			return nil, fmt.Errorf("%s %q: restartPolicy must be Never or OnFailure, not %q", "Job", j.Name, spec.RestartPolicy)
		}
		if j.Spec.Parallelism != nil && *j.Spec.Parallelism > 1 || j.Spec.Completions != nil && *j.Spec.Completions > 1 {
			return nil, fmt.Errorf("%s %q: parallelism and completions above 1 are not supported: husk runs one pod per Job", "Job", j.Name)
		}
		if spec.RestartPolicy == corev1.RestartPolicyOnFailure {
			limit := int32(6) // Kubernetes' default backoffLimit
			if j.Spec.BackoffLimit != nil {
				limit = *j.Spec.BackoffLimit
			}
			p.jobRetries = int(limit)
		}
		if err := add("Job", j.Name, j.Name+"-pod-0", j.Spec.Template.ObjectMeta, &spec); err != nil {
			return nil, err
		}
		p.jobRetries = 0
	}
	return pods, nil
}

type planner struct {
	objs       *Objects
	opts       Options
	jobRetries int
}

func hasHostPort(spec *corev1.PodSpec) bool {
	for _, c := range spec.Containers {
		for _, port := range c.Ports {
			if port.HostPort != 0 {
				return true
			}
		}
	}
	return false
}

// resourceName joins parts into a name husk accepts for secrets and
// volumes (at most 64 letters, digits, '-', '_', '.'), shortened with a
// digest of the whole when longer.
func resourceName(parts ...string) string {
	name := strings.Join(parts, "-")
	clean := []byte(name)
	for i, c := range clean {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			clean[i] = '_'
		}
	}
	name = string(clean)
	if len(name) <= 64 {
		return name
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return name[:55] + "-" + hex.EncodeToString(sum[:4])
}

func (p *planner) warn(format string, args ...any) {
	if p.opts.Warn != nil {
		fmt.Fprintf(p.opts.Warn, "husk: warning: "+format+"\n", args...)
	}
}

// labelArgs are --label flags for labels, sorted.
func labelArgs(labels map[string]string) []string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var args []string
	for _, k := range keys {
		args = append(args, "--label", k+"="+labels[k])
	}
	return args
}
