import ReverieKernel
import ReverieSpec

/// Pseudorehearsal (Robins 1995) with the network's own attractors: when a task
/// ends, `probes` uniformly random ±1 states of every visible unit relax freely
/// (all units update, asynchronously through the network's dynamics) to exact
/// fixed points, and those fixed points — inputs and labels — are trained with
/// every later task's items, their label units' values as targets. This is the
/// random start and free relaxation of a dream of Hebbian unlearning (docs/
/// science.md §3): a uniform ±1 state from a labelled stream, relaxed until the
/// engine finds no unstable unit (`RelaxationError` past the event budget).
public struct PseudorehearsalMethod: ContinualMethod {
    public static let type = "pseudorehearsal"
    public static let keys = ["probes"]

    let probes: Int
    public private(set) var replay: [[Double]] = []

    public init(node: SpecNode) throws {
        probes = try node.int("probes", default: 100, in: 0...100_000_000)
    }

    public mutating func endTask(_ end: TaskEnd) throws {
        var rng = end.rng
        for _ in 0..<probes {
            end.network.randomize(rng: &rng)
            try end.network.relaxToFixedPoint(maxEvents: end.maxEvents)
            replay.append(end.network.state)
        }
    }
}
