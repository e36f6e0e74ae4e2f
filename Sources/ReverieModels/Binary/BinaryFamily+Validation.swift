import ReverieKernel
import ReverieSpec

/// Checks the binary phases share while they validate.
extension BinaryFamily {
    /// The pattern set named by `field`, which must live on a binary population.
    static func patternSet(_ field: SpecNode, model: ModelSpec) throws -> ModelSpec.Patterns {
        let set = try model.patternSet(field)
        let pop = model.populations.first { $0.name == set.population }!
        guard pop.family == name else { throw field.error(expected: "a pattern set on a binary population (\(pop.name) is \(pop.model))") }
        return set
    }

    /// The projection named by `field`: recurrent on `population`, and dense if `dense`.
    static func recurrentProjection(_ field: SpecNode, on population: String, dense: Bool, model: ModelSpec,
                                    what: String) throws -> BinaryProjectionSpec {
        let proj = try model.projection(field)
        guard proj.from == population && proj.to == population, let spec = model.part(BinaryFamily.self)?.projection(proj.name),
              !dense || spec.isDense else {
            throw field.error(expected: "a \(dense ? "dense " : "")recurrent projection on population \(population) (\(what))")
        }
        return spec
    }

    /// Zero temperature, for phases that relax to exact fixed points.
    static func requireZeroTemperature(_ node: SpecNode, model: ModelSpec, _ why: String) throws {
        guard model.part(BinaryFamily.self)!.dynamics.temperature == .zero else {
            throw (model.root["dynamics"]?["temperature"] ?? node).error(expected: "temperature 0: \(why)")
        }
    }
}

extension ModelSpec.Rule {
    /// The rule for a projection from `presynapticCount` units.
    public func make(presynapticCount: Int) -> AnyPlasticityRule {
        AnyPlasticityRule(name, entry.make(RuleParameters(values: parameters, presynapticCount: presynapticCount)))
    }
}
