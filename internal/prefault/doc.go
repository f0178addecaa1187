// Package prefault maps the executable's code into the process at once,
// before the Go runtime starts, instead of one page fault at a time.
//
// A short husk command runs code from all over its binary: the init
// function of every package, then the command. Each first touch of a
// code page is a page fault that maps the page from the page cache (and
// up to 15 of its neighbours); on the virtual machines husk is tuned on
// one costs 12–30 µs, and `husk version` took ~110 of them in its code.
// One madvise(MADV_POPULATE_READ) over the executable segment maps it
// whole: `husk version` ran ~2 ms sooner, `run --rm` 3.4–3.7 ms
// (bench/README.md, "The code mapped at start"). The segment
// was ~94% touched anyway, so the process's resident memory barely
// grows, and the pages are the page cache's, shared with every other
// husk process. The read-only data segment is left alone: only about
// half of it is touched, and mapping it whole gained a fraction of a
// millisecond for ~3.5 MiB more resident.
//
// The constructor runs after the ones that turn the process into one of
// husk's C helpers (the pause process, monitors, the network helper):
// those never return to it, and keep their memory as small as it was.
// HUSK_NO_PREFAULT=1 turns it off. Kernels older than 5.14 have no
// MADV_POPULATE_READ: the call fails and nothing changes.
//
// Only bin/husk links it.
package prefault
