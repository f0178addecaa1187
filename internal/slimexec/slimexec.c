//go:build linux

// Handing the library's re-executed jobs to the slim binary before the Go
// runtime starts (see doc.go). Runs before the other constructors
// (priority 150 < join.c's 200 < the storage library's default): a job
// that is handed over should pay for nothing else.

#define _GNU_SOURCE
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

// The argv[0]s that bin/husk-reexec serves (cmd/husk-reexec registers the
// same packages); slimexec_linux.go's Jobs must list the same names.
const char *const husk_slim_jobs[] = {
	"chrootuser-open",    // buildah/pkg/chrootuser
	"buildah-copier",     // buildah/copier
	"storage-untar",      // storage/pkg/chrootarchive
	"storage-tar",
	"storage-applyLayer",
	NULL,
};

extern char **environ;

__attribute__((constructor(150))) static void husk_slim_reexec(int argc, char **argv)
{
	const char *path = getenv("HUSK_SLIM_REEXEC");
	if (!path || path[0] != '/' || argc < 1 || !argv || !argv[0])
		return;
	for (int i = 0; husk_slim_jobs[i]; i++) {
		if (strcmp(argv[0], husk_slim_jobs[i]) == 0) {
			execve(path, argv, environ);
			return; // could not: the job runs here, as without the variable
		}
	}
}
