// The container log writer of the C monitor (monlog.c): the k8s-file
// format, byte for byte as pkg/runtime's LogFile writes it.

#ifndef HUSK_MONLOG_H
#define HUSK_MONLOG_H

#include <stddef.h>
#include <time.h>

// The most text one log line holds (pkg/runtime's logLineMax); longer
// output lines are split into partial lines.
#define MONLOG_LINE_MAX (16 * 1024)

// The most rotated files a log keeps or looks for (maxLogFiles).
#define MONLOG_MAX_FILES 100

// Room for the header: a timestamp (at most 35 bytes), the stream name
// and the tag.
#define MONLOG_HEADER_MAX 64

// A container log, shared by its stdout and stderr.
struct monlog {
	const char *path;
	int fd;             // -1 after a failed rotation; the next entry retries
	long long size;     // bytes in the current file
	long long max_size; // rotate past this (<= 0: never)
	int max_files;      // files kept, the current one included
	char entry[MONLOG_HEADER_MAX + MONLOG_LINE_MAX + 1];
};

// One stream's line buffer.
struct monstream {
	const char *name; // "stdout" or "stderr"
	size_t len;
	char buf[MONLOG_LINE_MAX];
};

// monlog_open opens (appending) the log at path with limits already
// resolved (LogLimits.Effective); returns 0, or -1 with errno set.
int monlog_open(struct monlog *l, const char *path, long long max_size, int max_files);

// monlog_entry writes one log line: text (at most MONLOG_LINE_MAX bytes)
// of stream, marked partial or not.
void monlog_entry(struct monlog *l, const char *stream, int partial, const char *text, size_t n);

// monstream_feed logs what a stream's reader returned; monstream_end
// logs what is left at its end.
void monstream_feed(struct monlog *l, struct monstream *s, const char *data, size_t n);
void monstream_end(struct monlog *l, struct monstream *s);

// monlog_stamp writes t as Go's time.RFC3339Nano formats a UTC time into
// dst (at least 40 bytes) and returns its length.
size_t monlog_stamp(char *dst, size_t cap, const struct timespec *t);

// monlog_close closes the current file; returns close(2)'s result.
int monlog_close(struct monlog *l);

#endif
