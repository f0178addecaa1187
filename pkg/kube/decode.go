package kube

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// MaxInput bounds what Decode reads: a file of Kubernetes objects for one
// host is kilobytes; anything near this is not one.
const MaxInput = 8 << 20

// Objects are the documents of one input, by kind, in input order.
type Objects struct {
	Pods        []*corev1.Pod
	Deployments []*appsv1.Deployment
	Jobs        []*batchv1.Job
	ConfigMaps  []*corev1.ConfigMap
	Secrets     []*corev1.Secret
	Claims      []*corev1.PersistentVolumeClaim
	// Services are read and left alone: ports are published through
	// hostPort on this host.
	Services []*corev1.Service
}

// ErrNoWorkload: the input has no kind that runs anything.
var ErrNoWorkload = errors.New("the YAML has no Pod, Deployment or Job")

type typeMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
}

// Decode reads every YAML document of r strictly: an unknown kind or an
// unknown field is an error naming the document and the field, as a
// cluster's server-side validation would.
func Decode(r io.Reader) (*Objects, error) {
	objs, err := decodeAll(r)
	if err != nil {
		return nil, err
	}
	if len(objs.Pods)+len(objs.Deployments)+len(objs.Jobs) == 0 {
		return nil, ErrNoWorkload
	}
	return objs, nil
}

func decodeAll(r io.Reader) (*Objects, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxInput+1))
	if err != nil {
		return nil, fmt.Errorf("read kube YAML: %w", err)
	}
	if len(data) > MaxInput {
		return nil, fmt.Errorf("read kube YAML: larger than %d MiB", MaxInput>>20)
	}
	objs := &Objects{}
	docs := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for n := 1; ; n++ {
		doc, err := docs.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read kube YAML document %d: %w", n, err)
		}
		if len(bytes.TrimSpace(doc)) == 0 || isOnlyComments(doc) {
			continue
		}
		if err := objs.add(n, doc); err != nil {
			return nil, err
		}
	}
	return objs, nil
}

func isOnlyComments(doc []byte) bool {
	for _, line := range bytes.Split(doc, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) > 0 && line[0] != '#' {
			return false
		}
	}
	return true
}

func (o *Objects) add(n int, doc []byte) error {
	var tm typeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		return fmt.Errorf("parse kube YAML document %d: %w", n, err)
	}
	var target any
	switch tm.Kind {
	case "Pod":
		p := &corev1.Pod{}
		o.Pods, target = append(o.Pods, p), p
	case "Deployment":
		d := &appsv1.Deployment{}
		o.Deployments, target = append(o.Deployments, d), d
	case "Job":
		j := &batchv1.Job{}
		o.Jobs, target = append(o.Jobs, j), j
	case "ConfigMap":
		c := &corev1.ConfigMap{}
		o.ConfigMaps, target = append(o.ConfigMaps, c), c
	case "Secret":
		s := &corev1.Secret{}
		o.Secrets, target = append(o.Secrets, s), s
	case "PersistentVolumeClaim":
		c := &corev1.PersistentVolumeClaim{}
		o.Claims, target = append(o.Claims, c), c
	case "Service":
		v := &corev1.Service{}
		o.Services, target = append(o.Services, v), v
	case "":
		return fmt.Errorf("kube YAML document %d has no kind", n)
	default:
		return fmt.Errorf("kube YAML document %d: kind %q is not supported: husk plays Pod, Deployment, Job, ConfigMap, Secret and PersistentVolumeClaim (and reads Service)", n, tm.Kind)
	}
	if err := yaml.UnmarshalStrict(doc, target); err != nil {
		// The YAML library's layers each prefix the message; one is
		// enough ("json: unknown field "containerz"").
		msg := err.Error()
		for _, p := range []string{"error unmarshaling JSON: ", "while decoding JSON: ", "json: "} {
			msg = strings.TrimPrefix(msg, p)
		}
		return fmt.Errorf("kube YAML document %d (%s): %s", n, tm.Kind, msg)
	}
	return nil
}

// ConfigMap is a Kubernetes ConfigMap.
type ConfigMap = corev1.ConfigMap

// DecodeConfigMaps reads a file of ConfigMaps only (--configmap).
func DecodeConfigMaps(r io.Reader) ([]*ConfigMap, error) {
	objs, err := decodeAll(r)
	if err != nil {
		return nil, err
	}
	if len(objs.Pods)+len(objs.Deployments)+len(objs.Jobs)+len(objs.Secrets)+len(objs.Claims) > 0 {
		return nil, fmt.Errorf("only ConfigMaps may be given here")
	}
	return objs.ConfigMaps, nil
}
