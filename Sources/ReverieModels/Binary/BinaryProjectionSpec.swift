import ReverieKernel
import ReverieSpec

/// A projection into binary units, as validated from the model file.
///
/// From a binary population: `connectivity: dense` (every pair; weights start
/// at `initial_weight`) or a sparse rule (`sparse` with `probability`,
/// `fixed_indegree` with `indegree`, `one_to_one`, `all_to_all`), optional
/// `self_connections` and a message `delay` (≥ 0).
///
/// From another family's population that emits spikes (e.g. `poisson` or
/// `spike-times` sources): each spike adds `weight` to its targets' fields after
/// `delay` (> 0) for `pulse` time units (a rectangular postsynaptic potential).
/// With `weight: {pattern: SET, index: μ, scale: w}` and `one_to_one`, the
/// synapse onto unit i has weight w ξ_i^μ: the spikes cue pattern μ.
public struct BinaryProjectionSpec: Sendable {
    public enum Kind: Sendable, Equatable {
        case dense
        case sparse(ConnectivityRule)
    }

    public var name: String
    public var from: String
    public var to: String
    public var kind: Kind
    public var selfConnections: Bool
    public var delay: Double
    public var initialWeight: Double
    /// The width of a spike's field pulse, for projections from another family.
    public var pulse: Double?
    /// Weights w ξ^μ from pattern μ of a pattern set (one_to_one projections from another family).
    public var patternWeights: (set: String, index: Int, scale: Double)?
    public var node: SpecNode

    static let keys = ["name", "from", "to", "connectivity", "probability", "indegree", "self_connections", "delay", "initial_weight"]
    static let foreignKeys = ["name", "from", "to", "connectivity", "probability", "indegree", "weight", "delay", "pulse"]

    init(node p: SpecNode, projection: ModelSpec.Projection, model: ModelSpec) throws {
        let foreign = projection.sourceFamily != BinaryFamily.name
        let source = model.populations.first { $0.name == projection.from }!, target = model.populations.first { $0.name == projection.to }!
        if foreign {
            let family = model.registry.families.first { $0.name == projection.sourceFamily }!
            guard family.exportedEvents == .spikes else {
                throw try p.require("from", "").error(expected: "a binary population or a population that emits spikes (\(source.name) is \(source.model))")
            }
        }
        try p.checkKeys(foreign ? Self.foreignKeys : Self.keys)
        name = projection.name
        from = projection.from
        to = projection.to
        let kinds = ["dense", "sparse", "fixed_indegree", "one_to_one", "all_to_all"]
        switch try p.choice("connectivity", kinds, default: "dense") {
        case "dense": kind = .dense
        case "sparse": kind = .sparse(.probability(try p.double("probability", in: 0...1)))
        case "fixed_indegree":
            let selfAllowed = try p.bool("self_connections", default: false)
            let recurrent = !foreign && from == to && !selfAllowed
            kind = .sparse(.fixedInDegree(try p.int("indegree", in: 0...(recurrent ? source.size - 1 : source.size))))
        case "one_to_one":
            if source.size != target.size { throw p.error(expected: "populations of equal size for one_to_one (\(source.size) ≠ \(target.size))") }
            kind = .sparse(.oneToOne)
        default: kind = .sparse(.allToAll)
        }
        if foreign {
            selfConnections = true
            delay = try p.require("delay", "a delay > 0 (time units)").double(in: 1e-12...1e12)
            let weight = try p.require("weight", "the field a spike adds to its targets, or {pattern, index, scale}")
            if case .mapping = weight.kind {
                try weight.checkKeys(["pattern", "index", "scale"])
                let set = try model.patternSet(weight.require("pattern", "a pattern set on \(target.name)"))
                guard set.population == target.name else { throw try weight.require("pattern", "").error(expected: "a pattern set on \(target.name)") }
                guard kind == .sparse(.oneToOne) else { throw weight.error(expected: "a number (pattern weights need connectivity: one_to_one)") }
                let count: Int
                switch set.source {
                case .random(let n, _): count = n
                case .file(_, let values): count = values.count
                }
                patternWeights = (set.name, try weight.int("index", default: 0, in: 0...max(0, count - 1)), try weight.double("scale", default: 1))
                initialWeight = patternWeights!.scale
            } else {
                initialWeight = try weight.double()
                patternWeights = nil
            }
            pulse = try p.require("pulse", "how long a spike's field pulse lasts (time units)").double(in: 1e-12...1e15)
        } else {
            selfConnections = try p.bool("self_connections", default: false)
            delay = try p.double("delay", default: 0, in: 0...1e12)
            initialWeight = try p.double("initial_weight", default: 0)
            pulse = nil
            patternWeights = nil
        }
        self.node = p
    }

    public var isDense: Bool { kind == .dense }

    /// The synapses, with every weight at `initialWeight` (a recurrent dense
    /// projection without self-connections keeps J_ii = 0).
    func synapses(preCount: Int, postCount: Int, allowSelf: Bool, patterns: [String: PatternSet], rng: inout RandomStream) -> Connectivity {
        switch kind {
        case .dense:
            var w = DenseWeights(preCount: preCount, postCount: postCount, initial: initialWeight)
            if !allowSelf { for i in 0..<preCount { w[pre: i, post: i] = 0 } }
            return .dense(w)
        case .sparse(let rule):
            var w = SparseWeights(rows: rule.rows(preCount: preCount, postCount: postCount, allowSelf: allowSelf, rng: &rng),
                                  initial: initialWeight)
            if let (set, mu, scale) = patternWeights { w.weights = patterns[set]![mu].map { scale * $0 } }
            return .sparse(w)
        }
    }
}
