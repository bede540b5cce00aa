// The thin C layer under SockDiag: what Swift cannot import from libmnl and the
// kernel headers (function-like macros, the mnl_cb_run trampoline), nothing else.
// Parsing and policy live in Swift.
#ifndef C_SOCKDIAG_H
#define C_SOCKDIAG_H

#ifdef __linux__

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/inet_diag.h>

/// Size of one dump receive buffer. The kernel fills at most 32 KiB per
/// recvmsg() (SKB_WITH_OVERHEAD(32768)); libmnl 1.0.4 lacks MNL_SOCKET_DUMP_SIZE.
#define CSOCKDIAG_DUMP_BUFFER_SIZE 32768

/// Returned by CSockDiag_receive_dump when a reply carried NLM_F_DUMP_INTR.
#define CSOCKDIAG_DUMP_INTERRUPTED (-2)

/// Called once per SOCK_DIAG_BY_FAMILY reply message with its payload (the
/// inet_diag_msg followed by its attributes). Return 1 to continue, 0 to stop.
typedef int (*CSockDiag_message_cb)(const void *payload, size_t length, void *context);

/// Opens a NETLINK_SOCK_DIAG socket (close-on-exec), raises its receive buffer
/// to `rcvbuf` bytes and binds it. Returns NULL with errno set on failure.
struct mnl_socket *CSockDiag_open(int rcvbuf);

/// Closes a socket returned by CSockDiag_open.
void CSockDiag_close(struct mnl_socket *nl);

/// The socket's file descriptor (for poll and diagnostics).
int CSockDiag_fd(const struct mnl_socket *nl);

/// Builds an inet_diag_req_v2 dump request in `buf` (family, protocol,
/// extension bits, state bitmask, optional INET_DIAG_REQ_BYTECODE) and sends it.
/// With family AF_UNSPEC (TCP only) it sends the legacy TCPDIAG_GETSOCK
/// request instead, which walks the tables once for both families.
/// Returns 0, or -1 with errno set (EMSGSIZE if it does not fit in `buflen`).
int CSockDiag_send_dump_request(struct mnl_socket *nl, void *buf, size_t buflen, uint32_t seq,
                                uint8_t family, uint8_t protocol, uint8_t extensions, uint32_t states,
                                const void *bytecode, size_t bytecode_len);

/// Builds a unix_diag_req dump request in `buf` (AF_UNIX, the state bitmask, the UDIAG_SHOW_* bits) and
/// sends it. Returns 0, or -1 with errno set (EMSGSIZE if it does not fit in `buflen`).
int CSockDiag_send_unix_dump_request(struct mnl_socket *nl, void *buf, size_t buflen, uint32_t seq,
                                     uint32_t states, uint32_t show);

/// Receives the replies to request `seq` into `buf` until NLMSG_DONE, running
/// each batch through mnl_cb_run and `cb`. Returns 0 when the dump ended, 1 when
/// `cb` asked to stop early, CSOCKDIAG_DUMP_INTERRUPTED on NLM_F_DUMP_INTR, or
/// -1 with errno set (from NLMSG_ERROR, recvmsg, ENOSPC for a truncated
/// datagram, EBADMSG for a malformed one). Whenever it returns before the end of
/// the dump it reads and discards the rest, so the socket can serve the next
/// request; `*unusable` is set when that was impossible.
int CSockDiag_receive_dump(struct mnl_socket *nl, void *buf, size_t buflen, uint32_t seq,
                           CSockDiag_message_cb cb, void *context, int *unusable);

/// Runs one batch of already received reply bytes through mnl_cb_run and `cb`,
/// without sequence or port checks. Returns what CSockDiag_receive_dump
/// returns, plus 2 when the batch ended without NLMSG_DONE. Used to replay
/// captured dumps.
int CSockDiag_process_batch(const void *buf, size_t len, CSockDiag_message_cb cb, void *context);

/// Moves the calling thread into the network namespace `fd` refers to (setns(2) with CLONE_NEWNET, which
/// Swift's Glibc module does not export). Returns 0, or -1 with errno set.
int CSockDiag_enter_network_namespace(int fd);

/// getdents64(2), which glibc declares only under _GNU_SOURCE: reads directory
/// entries of the open directory `fd` into `buf` as `struct linux_dirent64`
/// records (d_ino at 0, d_off at 8, d_reclen at 16, d_type at 18, the
/// NUL-terminated d_name at 19). Returns the bytes filled, 0 at the end, or -1
/// with errno set.
long CSockDiag_getdents64(int fd, void *buf, size_t len);

#endif /* __linux__ */
#endif /* C_SOCKDIAG_H */
