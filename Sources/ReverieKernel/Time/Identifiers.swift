/// A unit's global index in a network: populations occupy consecutive ranges.
public struct NeuronID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    @inlinable public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    @inlinable public init(_ index: Int) { self.rawValue = UInt32(truncatingIfNeeded: index) }
    @inlinable public var index: Int { Int(rawValue) }
    @inlinable public static func < (a: NeuronID, b: NeuronID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "#\(rawValue)" }
}
