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

#endif /* __linux__ */
#endif /* C_SOCKDIAG_PROCESS_H */
