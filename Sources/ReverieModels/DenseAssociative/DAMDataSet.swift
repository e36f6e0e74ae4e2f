import ReverieKernel

/// Labelled items for a dense associative memory: x = [inputs; one-hot label],
/// N = inputs + C units in {±1}, the label unit of class k at +1 and the others
/// at −1 (docs/science.md §7).
public struct DAMDataSet: Sendable, Equatable {
    public var items: [[Double]]
    public var labels: [Int]
    public let classes: Int

    public init(items: [[Double]], labels: [Int], classes: Int) {
        precondition(items.count == labels.count && labels.allSatisfy { (0..<classes).contains($0) })
        self.items = items; self.labels = labels; self.classes = classes
    }

    /// The items of a pattern set whose last `classes` units are a one-hot label;
    /// nil when some pattern has no unit or several at +1 there (its index is returned in `bad`).
    public static func fromPatterns(_ set: PatternSet, classes: Int) -> (data: DAMDataSet?, bad: Int?) {
        var items: [[Double]] = [], labels: [Int] = []
        for mu in 0..<set.count {
            let x = set[mu]
            let on = (0..<classes).filter { x[set.size - classes + $0] == 1 }
            guard on.count == 1 else { return (nil, mu) }
            items.append(x); labels.append(on[0])
        }
        return (DAMDataSet(items: items, labels: labels, classes: classes), nil)
    }

    /// The synthetic task: `classes` random ±1 prototypes of `inputs` units; each
    /// item is a prototype with every input flipped with probability `noise`
    /// (`perClass` items per class, classes interleaved).
    public static func synthetic(prototypes: [[Double]], perClass: Int, noise: Double, rng: inout RandomStream) -> DAMDataSet {
        let classes = prototypes.count
        var items: [[Double]] = [], labels: [Int] = []
        for _ in 0..<perClass {
            for (k, p) in prototypes.enumerated() {
                var x = p.map { rng.nextUnit() < noise ? -$0 : $0 }
                x += (0..<classes).map { $0 == k ? 1 : -1 }
                items.append(x); labels.append(k)
            }
        }
        return DAMDataSet(items: items, labels: labels, classes: classes)
    }

    /// Random ±1 prototypes, one per class.
    public static func prototypes(classes: Int, inputs: Int, rng: inout RandomStream) -> [[Double]] {
        (0..<classes).map { _ in (0..<inputs).map { _ in rng.nextSpin() } }
    }

    /// The task whose input unit j is this set's input unit π[j] (labels unchanged).
    public func permuted(_ pi: [Int]) -> DAMDataSet {
        var d = self
        d.items = items.map { x in pi.map { x[$0] } + x[pi.count...] }
        return d
    }

    /// A uniformly random subset of `count` items (all if fewer).
    public func sample(_ count: Int, rng: inout RandomStream) -> [[Double]] {
        var order = Array(items.indices)
        let n = Swift.min(count, items.count)
        for k in 0..<n { order.swapAt(k, k + rng.nextInt(below: items.count - k)) }
        return order[..<n].map { items[$0] }
    }
}
