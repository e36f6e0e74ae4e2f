import ReverieSpec

extension Registry {
    /// The model families Reverie ships, in the order their units are numbered
    /// in traces. Adding a family is one line here (see CONTRIBUTING.md).
    public static let standard = Registry(families: [
        FamilyEntry(BinaryFamily.self),
        FamilyEntry(PredictiveCodingFamily.self),
        FamilyEntry(SpikingFamily.self),
        FamilyEntry(DenseAssociativeFamily.self),
    ])
}

extension ModelSpec {
    /// Reads and validates a model file with the standard families.
    public static func load(path: String, overrides: [String] = [], memoryLimit: Double = defaultMemoryLimit) throws -> ModelSpec {
        try load(path: path, overrides: overrides, registry: .standard, memoryLimit: memoryLimit)
    }
}
