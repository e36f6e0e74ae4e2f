import ReverieKernel
import ReverieSpec

/// Where `dam-train` and `dam-tasks` get their labelled items: two pattern sets
/// on the dam population (`train:`, `test:`; the last C units one-hot, C = the
/// population's `labels`, e.g. data/digits), or the synthetic task
/// (`synthetic: {per_class_train, per_class_test, noise}`: C random prototypes
/// of the N − C inputs with bit-flip noise, drawn from the phase's stream
/// "prototypes" and "items").
struct DAMDataSource: Sendable {
    enum Source: Sendable {
        case patterns(train: String, test: String)
        case synthetic(trainPerClass: Int, testPerClass: Int, noise: Double)
    }

    static let keys = ["train", "test", "synthetic"]

    let source: Source
    let classes: Int
    let path: String

    init(node: SpecNode, model: ModelSpec) throws {
        guard let spec = model.part(DenseAssociativeFamily.self) else {
            throw node.error(expected: "a dense associative memory (a population with model: dam) for this phase")
        }
        classes = spec.labels
        path = node.path
        guard classes >= 2 else {
            throw (model.populations.first { $0.name == spec.population }!.node["labels"] ?? node)
                .error(expected: "labels ≥ 2 on the dam population (the last C units are its label units)")
        }
        if let s = node["synthetic"] {
            if let t = node["train"] { throw t.error(expected: "either synthetic or train/test pattern sets, not both") }
            try s.checkKeys(["per_class_train", "per_class_test", "noise"])
            source = .synthetic(trainPerClass: try s.int("per_class_train", default: 100, in: 1...10_000_000),
                                testPerClass: try s.int("per_class_test", default: 50, in: 1...10_000_000),
                                noise: try s.double("noise", default: 0.1, in: 0...1))
        } else {
            let train = try DenseAssociativeFamily.patternSet(node.require("train", "a pattern set of training items (or synthetic)"), model: model)
            let test = try DenseAssociativeFamily.patternSet(node.require("test", "a pattern set of test items"), model: model)
            source = .patterns(train: train.name, test: test.name)
        }
    }

    /// The training and test sets.
    func make(_ context: RunContext) throws -> (train: DAMDataSet, test: DAMDataSet) {
        switch source {
        case .patterns(let train, let test):
            func read(_ name: String) throws -> DAMDataSet {
                let (data, bad) = DAMDataSet.fromPatterns(context.patterns[name]!, classes: classes)
                guard let data else {
                    let set = context.model.patterns.first { $0.name == name }!
                    throw ModelError(file: context.model.file, path: set.node.path,
                                     expected: "items whose last \(classes) units are one-hot (one +1)", found: "pattern \(bad!)")
                }
                return data
            }
            return (try read(train), try read(test))
        case .synthetic(let trainPerClass, let testPerClass, let noise):
            let n = context.network(DenseAssociativeFamily.self).size
            var p = context.rng(phase: context.phaseIndex, "prototypes")
            let prototypes = DAMDataSet.prototypes(classes: classes, inputs: n - classes, rng: &p)
            var r = context.rng(phase: context.phaseIndex, "items")
            return (DAMDataSet.synthetic(prototypes: prototypes, perClass: trainPerClass, noise: noise, rng: &r),
                    DAMDataSet.synthetic(prototypes: prototypes, perClass: testPerClass, noise: noise, rng: &r))
        }
    }
}
