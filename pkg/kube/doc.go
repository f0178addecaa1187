// Package kube plays Kubernetes YAML with husk: it reads the kinds a
// single host can honour (Pod, Deployment, Job, ConfigMap, Secret,
// PersistentVolumeClaim), turns each pod into husk operations (a pod, its
// containers, their secrets and volumes) and runs them through a Runner,
// which is husk itself. A field that would change what runs and that husk
// cannot honour is an error naming it; one that only matters to a cluster
// (scheduling, service accounts) is a one-line warning. Down undoes what
// Play made from the same YAML.
package kube
