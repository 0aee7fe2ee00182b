/* The flusher: a kernel thread that every FLUSHER_INTERVAL_NS writes back what mounted disk
 * file systems hold dirty (buffer-cache metadata and page-cache file data), so a crash loses
 * at most a few seconds of writes even when nobody calls sync. */
#ifndef FS_FLUSHER_H
#define FS_FLUSHER_H

#include <stdint.h>

#define FLUSHER_INTERVAL_NS (5ull * 1000000000ull)

/* Start the thread if it is not running yet (the first mount of a file system with a sync
 * hook calls this, so RAM-only systems never have one). */
void flusher_start(void);
/* Rounds the flusher has completed (tests, /proc/counters). */
uint64_t flusher_rounds(void);

#endif
