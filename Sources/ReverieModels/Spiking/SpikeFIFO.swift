/// A first-in first-out queue of (time, unit) pairs in a growable ring buffer.
struct SpikeFIFO {
    private var items: [(time: Double, unit: Int)] = []
    private var head = 0

    var isEmpty: Bool { head == items.count }
    var first: (time: Double, unit: Int) { items[head] }

    mutating func append(_ item: (time: Double, unit: Int)) { items.append(item) }

    mutating func removeFirst() -> (time: Double, unit: Int) {
        let item = items[head]
        head += 1
        // Compact once the consumed prefix dominates, keeping appends amortised O(1).
        if head > 1024 && head * 2 > items.count { items.removeFirst(head); head = 0 }
        return item
    }
}
