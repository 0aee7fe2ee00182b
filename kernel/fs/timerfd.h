/* timerfd_create/settime/gettime: timers read as an expiration count. */
#ifndef FS_TIMERFD_H
#define FS_TIMERFD_H

/* How many timerfds are armed: the tick only looks at them when some are. */
extern int timerfd_armed_count;
void timerfd_expire(void);
/* Every tick (sched_tick): wake pollers of the timerfds whose time has come. */
static inline void timerfd_tick(void)
{
    if (timerfd_armed_count)
        timerfd_expire();
}

#endif
