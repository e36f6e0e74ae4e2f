import Foundation

/// A key a unit model reads from its population's mapping: checked against
/// typos, listed by `reverie list` and in the schema table of models/README.md.
public struct UnitKey: Sendable, Equatable {
    public let name: String
    /// The physical unit of the value ("ms", "mV", "Hz"; empty when dimensionless).
    public let unit: String
    public let meaning: String
    /// The default as text, or nil when the key is required.
    public let defaultValue: String?

    public init(_ name: String, _ unit: String = "", _ meaning: String, default value: String? = nil) {
        self.name = name; self.unit = unit; self.meaning = meaning; defaultValue = value
    }

    /// "tau_m (ms, default 10): membrane time constant".
    public var line: String {
        var s = name
        let extras = [unit.isEmpty ? nil : unit, defaultValue.map { "default \($0)" } ?? "required"].compactMap { $0 }
        s += " (" + extras.joined(separator: ", ") + ")"
        return s + ": " + meaning
    }
}

/// Where a population's unit description is read: its name, size and the
/// folder of the model file (paths in the population are relative to it).
public struct UnitContext: Sendable {
    public let population: String
    public let size: Int
    public let baseDirectory: URL
}

/// One unit model (`populations[].model`) of a family: its keys, how it reads
/// them into the family's unit description, and what one unit of time means.
public struct UnitModel<Unit: Sendable>: Sendable {
    public let name: String
    public let summary: String
    public let timeUnit: String
    public let keys: [UnitKey]
    /// Reads the population's mapping (its keys already checked against `keys`).
    public let parse: @Sendable (SpecNode, UnitContext) throws -> Unit

    public init(_ name: String, summary: String, timeUnit: String, keys: [UnitKey] = [],
                parse: @escaping @Sendable (SpecNode, UnitContext) throws -> Unit) {
        self.name = name; self.summary = summary; self.timeUnit = timeUnit; self.keys = keys; self.parse = parse
    }

    var info: UnitModelInfo { UnitModelInfo(name: name, summary: summary, timeUnit: timeUnit, keys: keys) }
}

/// A unit model as the registry lists it.
public struct UnitModelInfo: Sendable {
    public let name: String
    public let summary: String
    public let timeUnit: String
    public let keys: [UnitKey]
}
