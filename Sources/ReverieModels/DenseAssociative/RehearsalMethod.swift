import ReverieKernel
import ReverieSpec

/// Rehearsal: when a task ends, `items_per_task` of its training items (drawn
/// uniformly without replacement) join a buffer that is trained together with
/// every later task's items, every epoch.
public struct RehearsalMethod: ContinualMethod {
    public static let type = "rehearsal"
    public static let keys = ["items_per_task"]

    let itemsPerTask: Int
    public private(set) var replay: [[Double]] = []

    public init(node: SpecNode) throws {
        itemsPerTask = try node.int("items_per_task", default: 100, in: 0...100_000_000)
    }

    public mutating func endTask(_ end: TaskEnd) throws {
        var rng = end.rng
        let n = Swift.min(itemsPerTask, end.items.count)
        var order = Array(end.items.indices)
        for k in 0..<n { order.swapAt(k, k + rng.nextInt(below: order.count - k)) }
        replay += order[..<n].map { end.items[$0] }
    }
}
