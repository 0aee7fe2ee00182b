/* The page cache: the pages of regular files, per inode, looked up by (inode, page index).
 * Each cached page holds one reference of its own (page_get/page_put counts); every PTE that
 * maps it holds one more, so a page outlives its file's truncation or unlink until the last
 * mapping goes. ramfs keeps its file data only here; a disk file system fills pages through
 * its inode_ops readpage and writes dirty ones back through writepage (docs/memory.md). */
#ifndef MM_PAGECACHE_H
#define MM_PAGECACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct inode;
struct uio;

/* Largest file the cache can hold, in pages: a radix table of up to three levels of 512
 * slots (512 GiB); files under 1 GiB use two levels. */
#define PAGECACHE_MAX_PAGES (512UL * 512UL * 512UL)

/* The cached page at index, or NULL; no reference is taken. */
void *pagecache_find(struct inode *ino, uint64_t index);
/* The page at index with one reference for the caller (page_put it): found, or created zeroed
 * and filled by ino->iops->readpage when the file system has one. NULL and *err on failure. */
void *pagecache_get(struct inode *ino, uint64_t index, int *err);
/* A mapping or write() changed the page: writeback will hand it to writepage. */
void pagecache_set_dirty(struct inode *ino, uint64_t index);
/* Write dirty pages in [first, last) back through iops->writepage (no-op without one). */
int pagecache_sync(struct inode *ino, uint64_t first, uint64_t last);
/* The file is now size bytes: pages wholly past the end leave the cache and every mapping of
 * them (later touches raise SIGBUS), the tail of a partial last page is zeroed. */
void pagecache_truncate(struct inode *ino, uint64_t size);
/* Drop every page (the inode is being freed). */
void pagecache_release(struct inode *ino);
/* read()/write() through the cache; write grows ino->size. -EFBIG past the cache's limit. */
long pagecache_read(struct inode *ino, struct uio *u, size_t n, uint64_t *off);
long pagecache_write(struct inode *ino, struct uio *u, size_t n, uint64_t *off);
/* Pages held by the cache in all files (/proc/meminfo Cached:). */
size_t pagecache_pages(void);

#endif
