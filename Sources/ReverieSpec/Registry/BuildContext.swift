import ReverieKernel

/// What a family's builder may use: the model, the run's seed and sinks, its
/// units' global ids, every population's layout, and links from other families.
public final class BuildContext {
    public let model: ModelSpec
    public let seed: UInt64
    public let sinks: SinkHub
    /// The global id of the family's first unit.
    public let firstID: UInt32
    /// Every population of the model with its global ids, by family index.
    public let layouts: [[RunDescription.Population]]
    /// The index of the family being built.
    public let familyIndex: Int
    /// Links requested so far (by every family built).
    public internal(set) var links: [Simulation.Link]
    /// The model's pattern sets, as the run drew or read them.
    public let patterns: [String: PatternSet]
    /// Threads a family may advance its network on (`reverie run --threads`); results must not depend on it.
    public let threads: Int
    /// The processes (MPI ranks) a family may split its network over; nil for one process.
    public let exchange: (any SpikeExchange)?

    init(model: ModelSpec, seed: UInt64, sinks: SinkHub, layouts: [[RunDescription.Population]], familyIndex: Int,
         links: [Simulation.Link], patterns: [String: PatternSet], threads: Int, exchange: (any SpikeExchange)?) {
        self.model = model; self.seed = seed; self.sinks = sinks; self.layouts = layouts; self.threads = threads
        self.exchange = exchange
        self.familyIndex = familyIndex; self.links = links; self.patterns = patterns
        firstID = layouts[familyIndex].first?.firstID ?? 0
    }

    /// The seeded stream for `label` (e.g. "connectivity:<projection>").
    public func rng(_ label: String) -> RandomStream { RandomStream(seed: seed, stream: RunContext.stream(label)) }

    /// The layout of population `name` of another family, if there is one.
    public func foreignPopulation(_ name: String) -> RunDescription.Population? {
        for (f, l) in layouts.enumerated() where f != familyIndex { if let p = l.first(where: { $0.name == name }) { return p } }
        return nil
    }

    /// Asks the engine to deliver the events of population `name` (of another
    /// family) to this family with at least `delay`; returns the link's index
    /// for `NetworkFamily.receive(_:link:)`.
    public func link(from name: String, delay: SimTime) -> Int {
        let (f, p) = layouts.enumerated().lazy.compactMap { f, l in l.firstIndex { $0.name == name }.map { (f, $0) } }.first!
        let handle = links.filter { $0.target == familyIndex }.count
        links.append(Simulation.Link(source: f, population: p, target: familyIndex, handle: handle, delay: delay))
        return handle
    }
}
