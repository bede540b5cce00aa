// The process's command line, captured where the C runtime hands it over.
#ifndef C_SOCKDIAG_PROCESS_H
#define C_SOCKDIAG_PROCESS_H

#ifdef __linux__

/// The `argc` the C runtime passed to the program, captured by an `.init_array` function before `main`; 0 where
/// the C library does not pass the arguments to such functions (musl).
int CSockDiag_process_argc(void);

/// The `argv` that goes with CSockDiag_process_argc() (`argc` strings, then NULL; it lives as long as the
/// process), or NULL when nothing was captured.
char *const *CSockDiag_process_argv(void);

/// pidfd_open(2) (Linux 5.3; a raw system call, which glibc before 2.36 lacks): a descriptor that refers to process
/// `pid` for as long as it is open, whatever the pid names later. Returns the descriptor, or -1 with errno set
/// (ESRCH when there is no such process).
int CSockDiag_pidfd_open(int pid);

/// pidfd_send_signal(2) (Linux 5.1): sends `signal` to the process `pidfd` refers to, never to a process that took
/// over its pid. Returns 0, or -1 with errno set (ESRCH when it has exited).
int CSockDiag_pidfd_send_signal(int pidfd, int signal);

#endif /* __linux__ */
#endif /* C_SOCKDIAG_PROCESS_H */
