// Package inspect is what husk's inspect commands print: podman 4.3.1's
// schema (which follows docker's) for containers, volumes and networks,
// filled from husk's records, so that scripts written for podman
// (`inspect --format '{{.State.Running}}'`, jq over the JSON) work
// unchanged. husk's own records stay beside it under extra keys.
package inspect
