// Package events owns husk's event journal: what happened to containers,
// images, volumes and networks, as podman's events name it ("container
// start", "image pull", ...), for `husk events`.
//
// There is no daemon to collect events: every husk process appends its own
// to a per-store journal file, one JSON object a line, with one write(2)
// per event on an O_APPEND descriptor, so that concurrent writers never
// interleave or lose lines. The journal lives in the store's run root
// (RUNROOT/husk-events/events.log: on tmpfs under $XDG_RUNTIME_DIR for a
// rootless user), so it is per user and per store, and volatile like
// podman's file journal. It stays bounded: past MaxSize the file becomes
// events.log.1 (the one old file kept) under an exclusive lock on
// events.lock, which every writer holds shared while it appends.
//
// Reading applies podman's filters (type, event, container, image, label,
// volume, network: the same key is OR-ed, different keys AND-ed) and a
// time window; Follow polls the file and survives rotation.
package events
