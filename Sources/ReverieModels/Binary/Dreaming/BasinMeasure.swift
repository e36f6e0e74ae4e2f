import ReverieKernel

/// Basins of attraction: start at a corrupted copy of each pattern with overlap
/// m0, relax to a fixed point, read the final overlap m_f (docs/science.md §3).
public struct BasinMeasure: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        /// Initial overlap m0.
        public var initialOverlap: Double
        /// Mean final overlap over the patterns.
        public var meanFinalOverlap: Double
        /// Fraction of patterns with m_f ≥ the retrieval threshold.
        public var fractionRetrieved: Double
    }

    public var points: [Point]

    /// Measures the basins of `patterns` (stored on `population`) at each m0.
    /// The network's state is left at the last fixed point reached. With
    /// `onClock` the relaxations are the run's dynamics: they advance the network's
    /// clock and report their state changes; without, they are a measurement
    /// taken at the current time: off the clock and unreported (the next
    /// relaxation reports the states it starts from as assignments).
    public init(network: BinaryNetwork, population: Int, patterns: PatternSet, initialOverlaps: [Double],
                retrievalThreshold: Double, maxEvents: Int, onClock: Bool, rng: inout RandomStream) throws {
        var scheduler = Scheduler<BinaryNetwork.Message>(start: network.now)
        network.silenced = !onClock
        defer { network.silenced = false }
        points = []
        for m0 in initialOverlaps {
            var sum = 0.0, retrieved = 0
            for mu in 0..<patterns.count {
                network.setState(patterns.corrupted(mu, initialOverlap: m0, rng: &rng), population: population)
                if onClock { try network.relaxToFixedPoint(maxEvents: maxEvents) } else { try network.relaxToFixedPoint(&scheduler, maxEvents: maxEvents) }
                let m = network.overlap(with: patterns[mu], population: population)
                sum += m
                if m >= retrievalThreshold { retrieved += 1 }
            }
            let p = Double(max(patterns.count, 1))
            points.append(Point(initialOverlap: m0, meanFinalOverlap: sum / p, fractionRetrieved: Double(retrieved) / p))
        }
    }
}
