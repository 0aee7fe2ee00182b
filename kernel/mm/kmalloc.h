/* Small kernel objects: power-of-two size classes from 16 to 2048 bytes packed into pages,
 * whole pages for 2049..4096 bytes. Every object is zeroed and aligned to its class size. */
#ifndef MM_KMALLOC_H
#define MM_KMALLOC_H

#include <stddef.h>

void *kmalloc(size_t size);          /* zeroed; NULL when out of memory or size > 4096 */
void kfree(void *p);                 /* NULL is ignored; a pointer kmalloc did not return is a bug */
size_t kmalloc_pages_in_use(void);   /* pages held by kmalloc right now */

#endif
