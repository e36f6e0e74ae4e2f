/// What may stop an advance before its end time, the same for every family:
/// an event budget, a caller's condition checked every `checkEvery` events (or
/// at the end of each of the family's steps), and a progress callback.
public struct AdvanceControl {
    /// Events that may still be processed.
    public var budget: Int
    /// Events between checks of `stop`.
    public var checkEvery: Int
    /// Returns true to stop.
    public var stop: (() -> Bool)?
    /// Called now and then with the family's clock.
    public var progress: ((SimTime) -> Void)?
    /// Events processed under this control so far.
    public private(set) var events = 0

    public init(budget: Int = .max, checkEvery: Int = 1024, stop: (() -> Bool)? = nil,
                progress: ((SimTime) -> Void)? = nil) {
        precondition(budget >= 0 && checkEvery > 0)
        self.budget = budget; self.checkEvery = checkEvery; self.stop = stop; self.progress = progress
    }

    /// Books `n` events against the budget.
    public mutating func consume(_ n: Int) {
        events += n
        budget = n >= budget ? 0 : budget - n
    }
}
