/// A unit's global index in a network: populations occupy consecutive ranges.
public struct NeuronID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    @inlinable public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    @inlinable public init(_ index: Int) { self.rawValue = UInt32(truncatingIfNeeded: index) }
    @inlinable public var index: Int { Int(rawValue) }
    @inlinable public static func < (a: NeuronID, b: NeuronID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "#\(rawValue)" }
}

/// Index of a population in its network.
public struct PopulationID: Hashable, Sendable {
    public var rawValue: UInt16
    @inlinable public init(_ index: Int) { self.rawValue = UInt16(truncatingIfNeeded: index) }
    @inlinable public var index: Int { Int(rawValue) }
}

/// Index of a projection (a bundle of synapses from one population to another).
public struct ProjectionID: Hashable, Sendable {
    public var rawValue: UInt16
    @inlinable public init(_ index: Int) { self.rawValue = UInt16(truncatingIfNeeded: index) }
    @inlinable public var index: Int { Int(rawValue) }
}
