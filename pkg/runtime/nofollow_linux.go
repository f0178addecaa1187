package runtime

import "syscall"

// oNoFollow keeps a copy from writing through a symlink planted at the
// destination.
const oNoFollow = syscall.O_NOFOLLOW
