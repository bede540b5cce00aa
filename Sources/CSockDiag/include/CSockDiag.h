// The thin C layer under SockDiag: what Swift cannot import from libmnl, the kernel headers and glibc
// (function-like macros, the mnl_cb_run trampoline, functions glibc declares only under _GNU_SOURCE), nothing
// else. Parsing and policy live in Swift.
//
//   CSockDiagNetlink.h  netlink.c  the NETLINK_SOCK_DIAG socket: requests, receiving, mnl_cb_run, draining
//   CSockDiagLinux.h    linux.c    libc gap-fillers: setns(2), getdents64(2), the NS_GET_NSTYPE ioctl
//   CSockDiagProcess.h  process.c  argc and argv as the C runtime hands them over (no /proc needed);
//                                 pidfd_open(2), pidfd_send_signal(2)
//   CSockDiagBPF.h      bpf.c      bpf(2): the hash map, program, link and iterator of the socket-owner iterator
#ifndef C_SOCKDIAG_H
#define C_SOCKDIAG_H

#include "CSockDiagNetlink.h"
#include "CSockDiagLinux.h"
#include "CSockDiagProcess.h"
#include "CSockDiagBPF.h"

#endif /* C_SOCKDIAG_H */
