import ReverieSpec

/// Checks the dense-associative phases share while they validate.
extension DenseAssociativeFamily {
    /// The pattern set named by `field`, which must live on the dam population.
    static func patternSet(_ field: SpecNode, model: ModelSpec) throws -> ModelSpec.Patterns {
        let set = try model.patternSet(field)
        let pop = model.populations.first { $0.name == set.population }!
        guard pop.family == name else { throw field.error(expected: "a pattern set on a dam population (\(pop.name) is \(pop.model))") }
        return set
    }
}
