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
            initialWeight = try p.require("weight", "the field a spike adds to its targets").double()
            pulse = try p.require("pulse", "how long a spike's field pulse lasts (time units)").double(in: 1e-12...1e15)
        } else {
            selfConnections = try p.bool("self_connections", default: false)
            delay = try p.double("delay", default: 0, in: 0...1e12)
            initialWeight = try p.double("initial_weight", default: 0)
            pulse = nil
        }
        self.node = p
    }

    public var isDense: Bool { kind == .dense }

    /// The synapses, with every weight at `initialWeight` (a recurrent dense
    /// projection without self-connections keeps J_ii = 0).
    func synapses(preCount: Int, postCount: Int, allowSelf: Bool, rng: inout RandomStream) -> Connectivity {
        switch kind {
        case .dense:
            var w = DenseWeights(preCount: preCount, postCount: postCount, initial: initialWeight)
            if !allowSelf { for i in 0..<preCount { w[pre: i, post: i] = 0 } }
            return .dense(w)
        case .sparse(let rule):
            return .sparse(SparseWeights(rows: rule.rows(preCount: preCount, postCount: postCount, allowSelf: allowSelf, rng: &rng),
                                         initial: initialWeight))
        }
    }
}
