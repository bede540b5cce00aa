/// A socket's memory use, as `ss -m` shows it: the `SK_MEMINFO_*` counters (`INET_DIAG_SKMEMINFO`) and the older
/// `inet_diag_meminfo` queue sizes (`INET_DIAG_MEMINFO`), each `nil` when the kernel did not send it.
public struct SocketMemory: Hashable, Sendable {
    /// The socket's memory counters (`u32 skmem[SK_MEMINFO_VARS]`, include/uapi/linux/sock_diag.h), in bytes.
    /// ss prints them as `skmem:(r…,rb…,t…,tb…,f…,w…,o…,bl…,d…)`.
    public struct Counters: Hashable, Sendable {
        /// Memory allocated for received data (`SK_MEMINFO_RMEM_ALLOC`, ss `r`).
        public var receiveAllocated: UInt32
        /// The receive buffer size (`SK_MEMINFO_RCVBUF`, `SO_RCVBUF`, ss `rb`).
        public var receiveBuffer: UInt32
        /// Memory allocated for data being sent (`SK_MEMINFO_WMEM_ALLOC`, ss `t`).
        public var sendAllocated: UInt32
        /// The send buffer size (`SK_MEMINFO_SNDBUF`, `SO_SNDBUF`, ss `tb`).
        public var sendBuffer: UInt32
        /// Memory reserved for the socket but not yet used (`SK_MEMINFO_FWD_ALLOC`, ss `f`).
        public var forwardAllocated: UInt32
        /// Memory of the send queue (`SK_MEMINFO_WMEM_QUEUED`, ss `w`).
        public var sendQueued: UInt32
        /// Memory for socket options and ancillary data (`SK_MEMINFO_OPTMEM`, ss `o`).
        public var optionMemory: UInt32
        /// The backlog queue (`SK_MEMINFO_BACKLOG`, ss `bl`); `nil` from kernels that do not send it.
        public var backlog: UInt32?
        /// Packets dropped before reaching the socket (`SK_MEMINFO_DROPS`, ss `d`); `nil` from kernels that do not
        /// send it.
        public var drops: UInt32?

        /// Creates counters.
        public init(
            receiveAllocated: UInt32,
            receiveBuffer: UInt32,
            sendAllocated: UInt32,
            sendBuffer: UInt32,
            forwardAllocated: UInt32,
            sendQueued: UInt32,
            optionMemory: UInt32,
            backlog: UInt32? = nil,
            drops: UInt32? = nil
        ) {
            self.receiveAllocated = receiveAllocated
            self.receiveBuffer = receiveBuffer
            self.sendAllocated = sendAllocated
            self.sendBuffer = sendBuffer
            self.forwardAllocated = forwardAllocated
            self.sendQueued = sendQueued
            self.optionMemory = optionMemory
            self.backlog = backlog
            self.drops = drops
        }

        /// How many counters the oldest kernels send (up to `SK_MEMINFO_OPTMEM`); fewer is malformed.
        static let minimumCount = 7
    }

    /// `struct inet_diag_meminfo` (include/uapi/linux/inet_diag.h), in bytes. ss prints it as `mem:(r…,w…,f…,t…)`
    /// only when the counters are missing.
    public struct Queues: Hashable, Sendable {
        /// Bytes in the receive queue (`idiag_rmem`).
        public var receive: UInt32
        /// Bytes in the send queue (`idiag_wmem`).
        public var send: UInt32
        /// Forward-allocated bytes (`idiag_fmem`).
        public var forwardAllocated: UInt32
        /// Bytes being transmitted (`idiag_tmem`).
        public var transmit: UInt32

        /// Creates queue sizes.
        public init(receive: UInt32, send: UInt32, forwardAllocated: UInt32, transmit: UInt32) {
            self.receive = receive
            self.send = send
            self.forwardAllocated = forwardAllocated
            self.transmit = transmit
        }
    }

    /// The `SK_MEMINFO_*` counters, when the kernel sent them.
    public var counters: Counters?
    /// The `inet_diag_meminfo` queue sizes, when the kernel sent them.
    public var queues: Queues?

    /// Creates a memory description.
    public init(counters: Counters? = nil, queues: Queues? = nil) {
        self.counters = counters
        self.queues = queues
    }
}
