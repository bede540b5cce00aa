import NIOCore
import Synchronization

/// Every client connection open now and what it is doing; admits new ones up to the cap.
///
/// At the cap, a new connection replaces the one that has gone longest without a request under way: idle, sending
/// a request head too slowly, or not taking its answer. A scraper sends its request as soon as it connects, so its
/// connection is the newest and then busy: idle clients cannot lock it out; at worst they push out each other, or a
/// scraper's keep-alive connection between two scrapes (it reconnects). Connections waiting for a dump are never
/// closed; only when every connection is waiting for one is the new connection refused.
final class ConnectionTable: Sendable {
    /// What a connection is doing.
    enum Phase {
        /// No request under way: before the first, between two, or after the last.
        case waiting
        /// A request has started and is not complete.
        case receiving
        /// A complete request waits for its answer (a dump).
        case answering
        /// The answer is written and the client has not taken it all.
        case sending

        var evictable: Bool { self != .answering }
    }

    /// Why the exporter closed a connection (not counted: the client closed it, or asked for `Connection: close`).
    enum CloseReason: String, CaseIterable, Sendable {
        case idleTimeout = "idle_timeout"
        case headerTimeout = "header_timeout"
        /// Closed to make room for a new connection, at the cap or when accept() ran out of descriptors.
        case evicted
        /// A new connection turned away: every connection was waiting for a dump.
        case refused
        /// After a protocol error (a 400) or an I/O error.
        case error
    }

    /// Connections open now, those closed by reason, and failed accept() calls since start.
    struct Statistics: Sendable {
        /// `--max-connections`, as fitted to the descriptor limit.
        var capacity: Int
        var open = 0
        var closed: [CloseReason: Int] = [:]
        var acceptFailures = 0
    }

    private struct Entry {
        var channel: any Channel
        var phase: Phase
        /// When ``phase`` began.
        var since: NIODeadline
    }

    private struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        var statistics: Statistics
    }

    /// `--max-connections`.
    let capacity: Int
    private let state: Mutex<State>

    init(capacity: Int) {
        self.capacity = capacity
        state = Mutex(State(statistics: Statistics(capacity: capacity)))
    }

    /// Registers a new connection; at the cap, closes the one that has waited longest to make room, or returns
    /// `false` when there is none (the caller closes the new one).
    func admit(_ channel: any Channel) -> Bool {
        let (admitted, evicted) = state.withLock { state -> (Bool, (any Channel)?) in
            var evicted: (any Channel)?
            if state.entries.count >= capacity {
                evicted = Self.evictLongestWaiting(&state)
                guard evicted != nil else {
                    state.statistics.closed[.refused, default: 0] += 1
                    return (false, nil)
                }
            }
            state.entries[ObjectIdentifier(channel)] = Entry(channel: channel, phase: .waiting, since: .now())
            state.statistics.open = state.entries.count
            return (true, evicted)
        }
        // Outside the lock: closing on the event loop runs the evicted connection's channelInactive at once.
        evicted?.close(promise: nil)
        return admitted
    }

    /// After accept() failed for want of a descriptor: closes the connection that has waited longest, if any.
    func evictForDescriptor() -> Bool {
        let evicted = state.withLock { state in
            state.statistics.acceptFailures += 1
            return Self.evictLongestWaiting(&state)
        }
        evicted?.close(promise: nil)
        return evicted != nil
    }

    /// Records that `channel` entered `phase` now.
    func update(_ channel: any Channel, to phase: Phase) {
        state.withLock { state in
            let key = ObjectIdentifier(channel)
            guard state.entries[key] != nil else { return }
            state.entries[key]!.phase = phase
            state.entries[key]!.since = .now()
        }
    }

    /// Forgets a closed connection, counting `reason` (if the table had not closed it itself).
    func remove(_ channel: any Channel, reason: CloseReason?) {
        state.withLock { state in
            guard state.entries.removeValue(forKey: ObjectIdentifier(channel)) != nil else { return }
            state.statistics.open = state.entries.count
            if let reason { state.statistics.closed[reason, default: 0] += 1 }
        }
    }

    var statistics: Statistics { state.withLock { $0.statistics } }

    /// Takes the evictable connection whose phase began longest ago out of the table, counted as evicted.
    private static func evictLongestWaiting(_ state: inout State) -> (any Channel)? {
        var oldest: (key: ObjectIdentifier, since: NIODeadline)?
        for (key, entry) in state.entries where entry.phase.evictable && entry.since < (oldest?.since ?? .distantFuture)
        {
            oldest = (key, entry.since)
        }
        guard let key = oldest?.key else { return nil }
        let entry = state.entries.removeValue(forKey: key)
        state.statistics.open = state.entries.count
        state.statistics.closed[.evicted, default: 0] += 1
        return entry?.channel
    }
}
