/* /dev/null, /dev/zero, /dev/random and /dev/urandom. */
#ifndef DEV_MEMDEV_H
#define DEV_MEMDEV_H

void memdev_init(void);

#endif
