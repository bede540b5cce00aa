// The NETLINK_SOCK_DIAG socket: opening it, building and sending dump requests, receiving replies, running them
// through mnl_cb_run, and discarding what is left of a dump. Which dump is over and when the socket becomes
// unusable is decided in Swift, from the results these functions report.
#ifndef C_SOCKDIAG_NETLINK_H
#define C_SOCKDIAG_NETLINK_H

#ifdef __linux__

#include <stddef.h>
#include <stdint.h>

#if defined(__has_attribute) && __has_attribute(enum_extensibility)
#define CSOCKDIAG_CLOSED_ENUM __attribute__((enum_extensibility(closed)))
#else
#define CSOCKDIAG_CLOSED_ENUM
#endif

struct mnl_socket;

/// Size of one dump receive buffer. The kernel fills at most 32 KiB per
/// recvmsg() (SKB_WITH_OVERHEAD(32768)); libmnl 1.0.4 lacks MNL_SOCKET_DUMP_SIZE.
#define CSOCKDIAG_DUMP_BUFFER_SIZE 32768

/// How running one batch of reply bytes (CSockDiag_run_batch) ended.
typedef enum CSOCKDIAG_CLOSED_ENUM CSockDiag_dump_result {
    /// NLMSG_DONE (or an acknowledgment) ended the dump.
    CSockDiag_dump_done,
    /// The batch ended without NLMSG_DONE: the dump goes on in the next datagram.
    CSockDiag_dump_continues,
    /// The callback returned 0.
    CSockDiag_dump_stopped,
    /// A reply carried NLM_F_DUMP_INTR: the tables changed while they were walked.
    CSockDiag_dump_interrupted,
    /// errno is set: the kernel's error from NLMSG_ERROR or from NLMSG_DONE's payload, EBADMSG for a batch whose
    /// messages do not tile it, EPROTO for a reply to another sequence number, ESRCH for one to another port id.
    CSockDiag_dump_failed,
} CSockDiag_dump_result;

/// Called once per SOCK_DIAG_BY_FAMILY reply message with its payload (the
/// inet_diag_msg followed by its attributes). Return 1 to continue, 0 to stop.
typedef int (*CSockDiag_message_cb)(const void *payload, size_t length, void *context);

/// Opens a NETLINK_SOCK_DIAG socket (close-on-exec), raises its receive buffer
/// to `rcvbuf` bytes and binds it. Returns NULL with errno set on failure.
struct mnl_socket *CSockDiag_open(int rcvbuf);

/// Joins multicast group `group` (NETLINK_ADD_MEMBERSHIP), e.g. SKNLGRP_INET_TCP_DESTROY (1) … SKNLGRP_INET6_UDP_DESTROY
/// (4) of linux/sock_diag.h. Returns 0, or -1 with errno set.
int CSockDiag_join_group(struct mnl_socket *nl, unsigned int group);

/// Closes a socket returned by CSockDiag_open.
void CSockDiag_close(struct mnl_socket *nl);

/// The port id the kernel bound the socket to (mnl_socket_get_portid), which its replies carry.
uint32_t CSockDiag_port_id(const struct mnl_socket *nl);

/// Builds an inet_diag_req_v2 dump request in `buf` (family, protocol,
/// extension bits, state bitmask, optional INET_DIAG_REQ_BYTECODE) and sends it.
/// A protocol above 255 (IPPROTO_MPTCP) goes in an INET_DIAG_REQ_PROTOCOL attribute, as the kernel expects.
/// With family AF_UNSPEC (TCP only) it sends the legacy TCPDIAG_GETSOCK
/// request instead, which walks the tables once for both families.
/// A `storage_map_fd` of 0 or more asks for each socket's value in that BPF_MAP_TYPE_SK_STORAGE map
/// (INET_DIAG_REQ_SK_BPF_STORAGES { SK_DIAG_BPF_STORAGE_REQ_MAP_FD }); -1 for none.
/// Returns 0, or -1 with errno set (EMSGSIZE if it does not fit in `buflen`).
int CSockDiag_send_dump_request(struct mnl_socket *nl, void *buf, size_t buflen, uint32_t seq,
                                uint8_t family, uint16_t protocol, uint8_t extensions, uint32_t states,
                                const void *bytecode, size_t bytecode_len, int storage_map_fd);

/// Builds a unix_diag_req dump request in `buf` (AF_UNIX, the state bitmask, the UDIAG_SHOW_* bits) and
/// sends it. Returns 0, or -1 with errno set (EMSGSIZE if it does not fit in `buflen`).
int CSockDiag_send_unix_dump_request(struct mnl_socket *nl, void *buf, size_t buflen, uint32_t seq,
                                     uint32_t states, uint32_t show);

/// Sends the `len` bytes at `buf`, one netlink message built by the caller (a SOCK_DESTROY request), to the
/// kernel. Returns 0, or -1 with errno set.
int CSockDiag_send(struct mnl_socket *nl, const void *buf, size_t len);

/// Receives one datagram into `buf` (mnl_socket_recvfrom). Returns its length (0 when the kernel sent nothing),
/// or -1 with errno set: ENOSPC when the datagram did not fit and was truncated (it is consumed), EINTR when a
/// signal came first (nothing is consumed).
int CSockDiag_receive(struct mnl_socket *nl, void *buf, size_t buflen);

/// Runs one batch of received reply bytes through mnl_cb_run, passing every SOCK_DIAG_BY_FAMILY payload to `cb`.
/// `seq` and `portid` are checked against every message unless 0 (a captured dump). The messages must tile the
/// batch exactly (mnl_cb_run would silently skip a partial one at the end).
CSockDiag_dump_result CSockDiag_run_batch(const void *buf, size_t len, uint32_t seq, uint32_t portid,
                                          CSockDiag_message_cb cb, void *context);

/// Reads and discards the rest of dump `seq` (through its NLMSG_DONE or NLMSG_ERROR), so that the socket can
/// serve the next request. `len` is the length of a batch of that dump still in `buf`, which may hold the end
/// already, or 0. Truncated datagrams are skipped and EINTR is retried. Returns 0, or -1 with errno set when
/// receiving failed (the socket then holds an unknown part of the dump).
int CSockDiag_drain(struct mnl_socket *nl, void *buf, size_t buflen, size_t len, uint32_t seq);

#endif /* __linux__ */
#endif /* C_SOCKDIAG_NETLINK_H */
