/// How the dream loop's fast path (`DreamBatch`) holds the couplings (docs/science.md §3).
public enum DreamArithmetic: String, CaseIterable, Sendable {
    /// J in double: with lazy rank 1, the engine's run bit for bit.
    case double
    /// J in float, fields in double: half the bytes; J is rounded after every step.
    case float
    /// J = (ε/N) K with K and the fields K s in 32-bit integers: every sum exact, the
    /// dynamics of the real-valued couplings. Needs couplings that are integer multiples of
    /// ε/N (Hebbian storage with 1/ε an integer) and N · max|K| below 2³¹ over the run.
    case integer
}
