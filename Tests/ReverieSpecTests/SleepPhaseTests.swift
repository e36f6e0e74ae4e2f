import XCTest
import ReverieKernel
import ReverieSpec
import ReverieModels

/// The sleep phase's choices (docs/science.md §4): t = ∞, the diagonal, the
/// normalisation, how examples are drawn, retrieval at a finite temperature.
final class SleepPhaseTests: XCTestCase {
    func model(_ sleep: String, dynamics: String = "temperature: 0", selfConnections: Bool = false, size: Int = 60) -> String {
        """
        name: sleep-phase-test
        seed: 5
        dynamics:
          \(dynamics)
        populations:
          - name: memory
            size: \(size)
        projections:
          - name: recurrent
            from: memory
            to: memory
            self_connections: \(selfConnections)
        patterns:
          - name: archetypes
            population: memory
            count: 6
        protocol:
          - phase: sleep
            archetypes: archetypes
            projection: recurrent
            examples_per_archetype: 40
            quality: 0.5
        \(sleep)
        """
    }

    /// Runs the model; returns the runner and the couplings the projection ends with (pre-major).
    func run(_ text: String) throws -> (ModelRunner, DenseWeights) {
        let runner = try ModelRunner(model: try loadModel(text))
        _ = try runner.run()
        let net = runner.context.network(BinaryFamily.self)
        guard case .dense(let w) = net.projections[net.projectionIndex("recurrent")!].synapses else { throw XCTSkip("dense") }
        return (runner, w)
    }

    /// The examples the phase drew (its "examples" stream), so a test can rebuild its couplings.
    func examples(_ runner: ModelRunner, sampling: ExampleSet.Sampling = .each) -> ExampleSet {
        var rng = RandomStream(seed: runner.context.seed, stream: RunContext.stream("phase0:examples"))
        return ExampleSet(archetypes: runner.context.patterns["archetypes"]!, perArchetype: 40, quality: 0.5, sampling: sampling, rng: &rng)
    }

    func testInfiniteSleepTimeIsTheProjectorOfTheAverages() throws {
        for spelling in ["inf", ".inf", "∞"] {
            let (runner, w) = try run(model("    sleep_time: \(spelling)"))
            let avg = examples(runner).averages(.scaled)
            let projector = try XCTUnwrap(SleepKernel.couplings(patterns: avg, sleepTime: .infinity, zeroDiagonal: true))
            for k in w.weights.indices { XCTAssertEqual(w.weights[k], projector.weights[k], accuracy: 1e-12) }
            // J η̂^μ = η̂^μ up to the zeroed diagonal: the projector, not Hebb.
            let withDiagonal = try XCTUnwrap(SleepKernel.couplings(patterns: avg, sleepTime: .infinity, zeroDiagonal: false))
            for i in 0..<60 {
                var h = 0.0
                for j in 0..<60 { h += withDiagonal[pre: j, post: i] * avg.values[j] }
                XCTAssertEqual(h, avg.values[i], accuracy: 1e-9)
            }
            let r = runner.results[0]
            XCTAssertNil(r.value("sleep_time"), "JSON has no ∞: the summary leaves it out")
            XCTAssertEqual(try XCTUnwrap(r.value("mean_final_overlap")), 1, accuracy: 0.05)
            XCTAssertEqual(r.table?.rows[0][1], .number(.infinity))
        }
        let near = try run(model("    sleep_time: 1e9")).1, inf = try run(model("    sleep_time: inf")).1
        XCTAssertLessThan(StochasticSleep.relativeDistance(near, to: inf), 1e-6)
    }

    func expectError(_ text: String, _ fragments: [String], line: UInt = #line) {
        XCTAssertThrowsError(try loadModel(text), line: line) { e in
            let d = "\(e)"
            for f in fragments { XCTAssertTrue(d.contains(f), "\(d) lacks \(f)", line: line) }
        }
    }

    func testBadSleepSettingsAreRefusedWithTheirField() {
        expectError(model("    sleep_time: inf\n    method: both"), ["sleep_time", "finite sleep time for method both"])
        expectError(model("    sleep_time: forever"), ["sleep_time", "or inf"])
        expectError(model("    sleep_time: -1"), ["sleep_time", "or inf"])
        expectError(model("    sleep_time: 1\n    averages: raw"), ["averages", "scaled, plain"])
        expectError(model("    sleep_time: 1\n    example_sampling: some"), ["example_sampling", "each, binomial"])
        expectError(model("    sleep_time: 1\n    retrieval_time: 5"), ["retrieval_time", "temperature 0"])
        expectError(model("    sleep_time: 1", dynamics: "temperature: 0.2"), ["retrieval_time", "finite temperature"])
        expectError(model("    sleep_time: 1\n    retrieval_time: 0", dynamics: "temperature: 0.2"), ["retrieval_time"])
    }

    /// `self_connections: true` keeps the kernel's J_ii (≈ α) for the dynamics; false zeroes it.
    func testTheProjectionDecidesWhetherTheDiagonalIsKept() throws {
        let (runner, kept) = try run(model("    sleep_time: 10", selfConnections: true))
        let (_, zeroed) = try run(model("    sleep_time: 10"))
        let kernel = try XCTUnwrap(SleepKernel.couplings(patterns: examples(runner).averages(.scaled), sleepTime: 10, zeroDiagonal: false))
        var diagonal = 0.0
        for i in 0..<60 {
            XCTAssertEqual(kept[pre: i, post: i], kernel[pre: i, post: i], accuracy: 1e-12)
            XCTAssertEqual(zeroed[pre: i, post: i], 0)
            diagonal += kept[pre: i, post: i] / 60
            for j in 0..<60 where j != i { XCTAssertEqual(kept[pre: j, post: i], zeroed[pre: j, post: i]) }
        }
        XCTAssertGreaterThan(diagonal, 0.03, "J_ii ≈ α = 0.1 (a little less after sleep)")
    }

    /// `averages: plain` stores the plain averages (J(0) smaller by r²(1 + ρ));
    /// `example_sampling: binomial` draws another, equally distributed, example set.
    func testAveragingAndSamplingReachTheCouplings() throws {
        let (runner, plain) = try run(model("    sleep_time: 0\n    averages: plain"))
        let (_, scaled) = try run(model("    sleep_time: 0"))
        let set = examples(runner)
        let c2 = 0.25 * (1 + set.entropy)
        for k in plain.weights.indices { XCTAssertEqual(plain.weights[k], c2 * scaled.weights[k], accuracy: 1e-12) }
        let (b, binomial) = try run(model("    sleep_time: 0\n    example_sampling: binomial"))
        let expected = examples(b, sampling: .binomial).averages(.scaled).hebbianCouplings()
        for k in binomial.weights.indices { XCTAssertEqual(binomial.weights[k], expected.weights[k], accuracy: 1e-12) }
        XCTAssertGreaterThan(StochasticSleep.relativeDistance(binomial, to: scaled), 0.1, "another stream of examples")
        // One draw of 6 archetypes at N = 60 from M = 40 examples: most are retrieved (5 of 6 here).
        XCTAssertGreaterThan(try XCTUnwrap(b.results[0].value("mean_final_overlap")), 0.8)
    }

    /// At a finite temperature retrieval runs Glauber dynamics for `retrieval_time`:
    /// cold, the archetypes are held with thermal errors; hot, the network forgets them.
    func testFiniteTemperatureRetrievalRunsForRetrievalTime() throws {
        let sleep = "    sleep_time: 10\n    retrieval_time: 20\n    initial_overlap: 0.8"
        let (cold, _) = try run(model(sleep, dynamics: "temperature: 0.5", size: 200))
        let (hot, _) = try run(model(sleep, dynamics: "temperature: 5", size: 200))
        let m = try XCTUnwrap(cold.results[0].value("mean_final_overlap"))
        XCTAssertGreaterThan(m, 0.9)
        XCTAssertLessThan(m, 1, "thermal flips at T = 0.5")
        XCTAssertLessThan(abs(try XCTUnwrap(hot.results[0].value("mean_final_overlap"))), 0.3)
        XCTAssertEqual(cold.context.time.value, 6 * 20, accuracy: 1e-9, "six archetypes × 20 time units")
    }
}
