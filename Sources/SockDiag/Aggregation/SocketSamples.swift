import Synchronization

/// Samples taken at a fixed interval, as an `AsyncSequence` for Swift concurrency: the first at once, then one per
/// tick of ``interval`` (ticks missed while a sample was being taken are skipped, not caught up). The sequence
/// ends when the task iterating it is cancelled; an error from a sample ends it with that error.
///
/// Each sample runs synchronously on the iterating task (a dump of 100k sockets takes about 0.1 s); iterate
/// from a task of its own. One sequence may be iterated by one task at a time.
public struct SocketSamples<Element: Sendable>: AsyncSequence, Sendable {
    /// The time between the starts of two samples.
    public let interval: Duration
    private let sample: @Sendable () throws -> Element

    /// Creates a sequence that calls `sample` every `interval`.
    /// - Parameters:
    ///   - interval: The time between the starts of two samples (more than zero).
    ///   - sample: Takes one sample, e.g. `{ try inspector.aggregate() }`.
    public init(every interval: Duration, _ sample: @escaping @Sendable () throws -> Element) {
        precondition(interval > .zero, "a sampling interval must be more than zero")
        self.interval = interval
        self.sample = sample
    }

    /// Makes an iterator whose first sample is taken at once.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(interval: interval, sample: sample)
    }

    /// Takes the samples.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private let interval: Duration
        private let sample: @Sendable () throws -> Element
        private let clock = ContinuousClock()
        private var next: ContinuousClock.Instant?

        init(interval: Duration, sample: @escaping @Sendable () throws -> Element) {
            self.interval = interval
            self.sample = sample
        }

        /// The next sample, after waiting for its tick; `nil` once the task is cancelled.
        public mutating func next() async throws -> Element? {
            if let deadline = next {
                do {
                    try await clock.sleep(until: deadline)
                } catch {
                    return nil
                }
            }
            guard !Task.isCancelled else { return nil }
            let now = clock.now
            var deadline = next ?? now
            while deadline <= now { deadline = deadline.advanced(by: interval) }
            next = deadline
            return try sample()
        }
    }
}

extension SocketInspector {
    /// Aggregates of the sockets that match `query`, one every `interval` (see ``SocketSamples``), with counters
    /// reused from one sample to the next.
    /// - Parameters:
    ///   - interval: The time between two samples.
    ///   - query: What to count; by default every TCP and UDP socket in every state but bound-inactive.
    ///   - topPorts: How many ports each ranking keeps, and how many listeners.
    public func aggregates(
        every interval: Duration,
        matching query: SocketQuery = SocketQuery(protocols: [.tcp, .udp], states: .all),
        topPorts: Int = 10
    ) -> SocketSamples<SocketAggregate> {
        let aggregator = Mutex(SocketAggregator(topPorts: topPorts))
        return SocketSamples(every: interval) { [self] in
            try aggregator.withLock { aggregator in try aggregator.aggregate(self, matching: query) }
        }
    }
}
