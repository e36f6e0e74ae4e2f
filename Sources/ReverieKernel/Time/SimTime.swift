/// Simulated time, in the model's time unit (one Poisson-clock period for binary
/// units; milliseconds for spiking models). A value type so that time cannot be
/// confused with other `Double`s in the API.
public struct SimTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var value: Double

    @inlinable public init(_ value: Double) { self.value = value }

    public static let zero = SimTime(0)
    public static let infinity = SimTime(.infinity)

    @inlinable public static func < (a: SimTime, b: SimTime) -> Bool { a.value < b.value }
    @inlinable public static func + (a: SimTime, b: SimTime) -> SimTime { SimTime(a.value + b.value) }
    @inlinable public static func - (a: SimTime, b: SimTime) -> SimTime { SimTime(a.value - b.value) }
    @inlinable public static func += (a: inout SimTime, b: SimTime) { a.value += b.value }

    public var description: String { "t=\(value)" }
}
