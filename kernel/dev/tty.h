/* The console terminal: a line discipline (canonical editing, echo, job-control signals)
 * between the UART and /dev/console, /dev/tty. */
#ifndef DEV_TTY_H
#define DEV_TTY_H

/* Register the tty devices and start taking input from the console UART. */
void tty_init(void);
/* A character arrived from the UART (interrupt context). */
void tty_input(char c);

#endif
