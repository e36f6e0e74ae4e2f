import XCTest
import ReverieKernel
@testable import ReverieModels

/// Krotov–Hopfield training of the memories (docs/science.md §7).
final class DAMTrainingTests: XCTestCase {
    func items(_ count: Int, _ n: Int, labels: Int, rng: inout RandomStream) -> [[Double]] {
        (0..<count).map { k in (0..<(n - labels)).map { _ in rng.nextSpin() } + (0..<labels).map { $0 == k % labels ? 1 : -1 } }
    }

    /// The analytic gradient of the loss equals central finite differences, for
    /// every interaction function and error power 1 and 2.
    func testGradientMatchesCentralFiniteDifferences() {
        let n = 9, k = 5, labels = 3
        var rng = RandomStream(seed: 21)
        let data = items(4, n, labels: labels, rng: &rng)
        var xi = DenseWeights(preCount: k, postCount: n)
        for q in xi.weights.indices { xi.weights[q] = 2 * rng.nextUnit() - 1 }
        let functions: [InteractionFunction] = [.polynomial(degree: 3), .polynomial(degree: 4), .rectified(degree: 3),
                                                .leakyRectified(degree: 5, slope: 0.01), .exponential]
        for f in functions {
            for power in [1, 2] {
                var settings = DAMTrainer.Settings()
                settings.errorPower = power
                let trainer = DAMTrainer(interaction: f, settings: settings, trained: Array((n - labels)..<n))
                let c = 2.0 / Double(n)
                func loss(_ w: DenseWeights) -> Double {
                    var g = [Double](repeating: 0, count: k * n)
                    return data.reduce(0) { $0 + trainer.accumulate($1, memories: w, scale: c, signal: trainer.lossSignal, into: &g) }
                }
                var g = [Double](repeating: 0, count: k * n)
                for x in data { trainer.accumulate(x, memories: xi, scale: c, signal: trainer.lossSignal, into: &g) }
                let h = 1e-6
                var worst = 0.0
                for q in xi.weights.indices {
                    var plus = xi, minus = xi
                    plus.weights[q] += h; minus.weights[q] -= h
                    let numeric = (loss(plus) - loss(minus)) / (2 * h)
                    let e = abs(numeric - g[q]) / max(abs(g[q]), 1e-3 * (g.map(abs).max() ?? 1))
                    worst = max(worst, e)
                }
                XCTAssertLessThan(worst, 1e-5, "\(f) error power \(power)")
            }
        }
    }

    /// A step moves each memory by at most lr in its largest component (the step
    /// is normalised by that memory's largest |V|), with momentum, and clamps to [−1, 1].
    func testStepNormalisesEachMemoryAndClamps() {
        var settings = DAMTrainer.Settings()
        settings.momentum = 0.5
        let trainer = DAMTrainer(interaction: .polynomial(degree: 2), settings: settings, trained: [1])
        var xi = DenseWeights(preCount: 2, postCount: 2)
        xi.weights = [0, 0.95, 0.5, -0.5]
        var v = [Double](repeating: 0, count: 4)
        trainer.step(&xi, velocity: &v, gradient: [2, -4, 0, 1e-40], learningRate: 0.1)
        XCTAssertEqual(xi.weights[0], -0.05, accuracy: 1e-15)
        XCTAssertEqual(xi.weights[1], 1)                 // 0.95 + 0.1, clamped
        XCTAssertEqual(xi.weights[2], 0.5)
        XCTAssertEqual(xi.weights[3], -0.5 - 0.1 * 1e-40 / 1e-30, accuracy: 1e-15)  // below `precision` the divisor is precision
        trainer.step(&xi, velocity: &v, gradient: [0, 0, 0, 0], learningRate: 0.1)
        XCTAssertEqual(v, [1, -2, 0, 0.5e-40])
        XCTAssertEqual(xi.weights[0], -0.1, accuracy: 1e-15)
    }

    /// Trained on a synthetic task (prototypes with 10% bit flips), the label
    /// units classify held-out items, by one step and by relaxation.
    func testTrainingLearnsTheSyntheticTask() throws {
        var rng = RandomStream(seed: 5)
        let protos = DAMDataSet.prototypes(classes: 4, inputs: 40, rng: &rng)
        let train = DAMDataSet.synthetic(prototypes: protos, perClass: 20, noise: 0.1, rng: &rng)
        let test = DAMDataSet.synthetic(prototypes: protos, perClass: 20, noise: 0.1, rng: &rng)
        var settings = DAMTrainer.Settings()
        settings.epochs = 30; settings.batchSize = 16; settings.temperature = 0.5; settings.learningRate = 0.05
        let f = InteractionFunction.polynomial(degree: 3)
        let trainer = DAMTrainer(interaction: f, settings: settings, trained: Array(40..<44))
        var xi = DenseWeights(preCount: 20, postCount: 44)
        for q in xi.weights.indices { xi.weights[q] = 0.1 * rng.nextGaussian() }
        let net = DAMNetwork(name: "v", memories: xi, interaction: f, beta: 2, tie: .keep, update: .randomSequential, rate: 1,
                             rng: RandomStream(seed: 1))
        let chance = try DAMClassifier.oneStep.accuracy(test, network: net, maxEvents: 10_000)
        let losses = trainer.train(&xi, items: train.items, rng: &rng)
        XCTAssertLessThan(losses.last!, losses.first! / 2)
        net.setMemories(xi)
        let oneStep = try DAMClassifier.oneStep.accuracy(test, network: net, maxEvents: 10_000)
        let relaxed = try DAMClassifier.relax.accuracy(test, network: net, maxEvents: 10_000)
        print("synthetic task: loss \(losses.first!) → \(losses.last!), accuracy \(chance) → \(oneStep) (one step), \(relaxed) (relaxed)")
        XCTAssertGreaterThan(oneStep, 0.9, "before training \(chance)")
        XCTAssertGreaterThan(relaxed, 0.9)
    }
}
