import XCTest
import Foundation
import ReverieKernel
@testable import ReverieModels

/// The dense associative memory's actors against the definitions (docs/science.md §7).
final class DAMNetworkTests: XCTestCase {
    static let interactions: [InteractionFunction] =
        [2, 3, 4, 5, 10].flatMap { n in [.polynomial(degree: n), .rectified(degree: n), .leakyRectified(degree: n, slope: 0.01)] }
        + [.exponential]

    func memories(_ k: Int, _ n: Int, binary: Bool, seed: UInt64) -> DenseWeights {
        var rng = RandomStream(seed: seed)
        var xi = DenseWeights(preCount: k, postCount: n)
        for q in xi.weights.indices { xi.weights[q] = binary ? rng.nextSpin() : 2 * rng.nextUnit() - 1 }
        return xi
    }

    func network(_ xi: DenseWeights, _ f: InteractionFunction, beta: Double = 1, tie: DAMNetwork.Tie = .keep,
                 update: DAMNetwork.Update = .randomSequential) -> DAMNetwork {
        DAMNetwork(name: "v", memories: xi, interaction: f, beta: beta, tie: tie, update: update, rate: 1, rng: RandomStream(seed: 3))
    }

    /// F in 80-bit arithmetic, for a reference more precise than the Doubles compared with it.
    func wide(_ f: InteractionFunction, _ x: Float80) -> Float80 {
        func power(_ n: Int) -> Float80 { (0..<n).reduce(Float80(1)) { p, _ in p * x } }
        switch f {
        case .polynomial(let n): return power(n)
        case .rectified(let n): return x > 0 ? power(n) : 0
        case .leakyRectified(let n, let slope): return x > 0 ? power(n) : Float80(slope) * x
        case .exponential: return Foundation.exp(x)
        }
    }

    /// b_i from its definition in 80-bit arithmetic, and the scale of the terms it
    /// subtracts, Σ_μ |F(c ξ^μ·σ^{(i,+)})| + |F(c ξ^μ·σ^{(i,−)})|.
    func wideBracket(_ xi: DenseWeights, _ f: InteractionFunction, _ c: Double, _ s: [Double], _ i: Int) -> (Float80, Float80) {
        var b: Float80 = 0, size: Float80 = 0
        for mu in 0..<xi.preCount {
            var mp: Float80 = 0, mm: Float80 = 0
            for j in 0..<xi.postCount {
                let w = Float80(xi[pre: mu, post: j])
                mp += w * Float80(j == i ? 1 : s[j]); mm += w * Float80(j == i ? -1 : s[j])
            }
            let fp = wide(f, Float80(c) * mp), fm = wide(f, Float80(c) * mm)
            b += fp - fm
            size += abs(fp) + abs(fm)
        }
        return (b, size)
    }

    /// Two-quantity messages (±1 memories) and overlap messages (memories in
    /// [−1, 1]) give every unit's bracket as its definition does, for every F and
    /// n, with c = 1/N (β = 1) and c = 1 (β = N): the network's bracket and the
    /// definition in Doubles (`bracketByDefinition`) differ from the definition in
    /// 80-bit arithmetic by less than 1e-12 of the terms it sums, and by a relative
    /// error below 1e-12 wherever the bracket is not cancellation (|b| > 1e-3 of the
    /// terms; where it is, e.g. an exact tie b = 0, no Double sum has relative accuracy).
    func testBracketsEqualTheDefinitionForEveryInteraction() {
        let n = 40, k = 30
        var worstScaled = 0.0, worstRelative = 0.0, cancelled = 0, checked = 0
        for binary in [true, false] {
            let xi = memories(k, n, binary: binary, seed: binary ? 1 : 2)
            for f in Self.interactions {
                for beta in [1.0, Double(n)] {
                    let net = network(xi, f, beta: beta)
                    XCTAssertEqual(net.binaryMemories, binary)
                    var rng = RandomStream(seed: 9)
                    for _ in 0..<3 {
                        let s = (0..<n).map { _ in rng.nextSpin() }
                        net.setState(s)
                        for i in 0..<n {
                            let (reference, size) = wideBracket(xi, f, net.scale, s, i)
                            let definition = DAMNetwork.bracketByDefinition(memories: xi, interaction: f, scale: net.scale, state: s, unit: i)
                            for (what, b) in [("network", net.bracket(i)), ("definition", definition)] {
                                let error = abs(Float80(b) - reference)
                                let scaled = Double(error / size)
                                worstScaled = max(worstScaled, scaled)
                                XCTAssertLessThan(scaled, 1e-12, "\(what) \(f) β = \(beta) binary \(binary) unit \(i): \(b) vs \(reference)")
                                guard abs(reference) > 1e-3 * size else { cancelled += 1; continue }
                                let relative = Double(error / abs(reference))
                                worstRelative = max(worstRelative, relative)
                                checked += 1
                                XCTAssertLessThan(relative, 1e-12, "\(what) \(f) β = \(beta) binary \(binary) unit \(i): \(b) vs \(reference)")
                            }
                        }
                    }
                }
            }
        }
        print("brackets: largest error / term scale \(worstScaled); largest relative error \(worstRelative) over \(checked), \(cancelled) cancelled")
    }

    /// F = x² with ±1 memories: the bracket is 4c² × the Hopfield field of
    /// J = Σ_μ ξ^μ ξ^μᵀ (zero diagonal) as the binary family assembles it, bit for bit.
    func testQuadraticBracketIsFourTimesTheHopfieldFieldBitForBit() {
        for (n, beta) in [(64, 1.0), (50, 50.0)] {
            var rng = RandomStream(seed: UInt64(n))
            let patterns = PatternSet.random(count: 13, size: n, rng: &rng)
            var xi = DenseWeights(preCount: 13, postCount: n)
            xi.weights = patterns.values
            let dam = network(xi, .polynomial(degree: 2), beta: beta)
            let hopfield = BinaryNetwork(populations: [("m", n)], dynamics: BinaryDynamics(), rng: RandomStream(seed: 1))
            hopfield.connect("J", from: 0, to: 0, synapses: .dense(patterns.hebbianCouplings(eta: Double(n))), skipSelf: true)
            let c = dam.scale
            for _ in 0..<5 {
                let s = (0..<n).map { _ in rng.nextSpin() }
                dam.setState(s)
                hopfield.setState(s, population: 0)
                for i in 0..<n { XCTAssertEqual(dam.bracket(i), 4 * c * c * hopfield.field[i], "N = \(n) unit \(i)") }
                XCTAssertEqual(dam.unstableCount, hopfield.unstableCount)
            }
        }
    }

    /// Asynchronous updates through the engine never raise E = −Σ_μ F(c ξ^μ·σ)
    /// (recomputed from the definition after every update) and end at exact fixed
    /// points. With ±1 memories and c = 1 the energies are integers, compared
    /// exactly; with learned memories to rounding (1e-12 of |E|).
    func testAsynchronousUpdatesNeverRaiseTheEnergy() throws {
        let n = 30, k = 25
        for binary in [true, false] {
            let xi = memories(k, n, binary: binary, seed: 7)
            for f in Self.interactions where f.degree.map({ $0 <= 5 }) ?? true {
                for update in [DAMNetwork.Update.randomSequential, .poisson] {
                    let net = network(xi, f, beta: binary && f != .exponential ? Double(n) : 1, update: update)
                    var rng = RandomStream(seed: 4)
                    net.randomize(rng: &rng)
                    func energy() -> Double {
                        var e = 0.0
                        for mu in 0..<k {
                            var m = 0.0
                            for j in 0..<n { m += xi[pre: mu, post: j] * net.state[j] }
                            e -= f(net.scale * m)
                        }
                        return e
                    }
                    var previous = energy()
                    net.beginRelaxation(at: net.now)
                    var reason = StopReason.timeLimit
                    var events = 0
                    while reason != .quiescent && events < 100_000 {
                        var control = AdvanceControl(budget: 1)
                        reason = net.runScheduler(until: .infinity, control: &control)
                        events += control.events
                        let e = energy()
                        let slack = binary && exactIntegers(f) ? 0 : 1e-12 * abs(previous)
                        XCTAssertLessThanOrEqual(e, previous + slack, "\(f) \(update) binary \(binary)")
                        previous = e
                    }
                    XCTAssertEqual(reason, .quiescent, "\(f) \(update) binary \(binary)")
                    XCTAssertEqual(net.unstableCount, 0)
                    for i in 0..<n {
                        let b = DAMNetwork.bracketByDefinition(memories: xi, interaction: f, scale: net.scale, state: net.state, unit: i)
                        XCTAssertGreaterThanOrEqual(net.state[i] * b, 0, "a unit of the fixed point is unstable by the definition")
                    }
                }
            }
        }
    }

    func exactIntegers(_ f: InteractionFunction) -> Bool {
        switch f {
        case .polynomial, .rectified: return true
        case .leakyRectified, .exponential: return false
        }
    }

    /// Where synchronous and asynchronous updates differ: from the same random
    /// starts of a loaded n = 2 network, asynchronous relaxations always reach a
    /// fixed point, synchronous ones sometimes cycle with period 2 (and the fixed
    /// points both reach are fixed points of the other rule).
    func testSynchronousUpdatesCanCycleWhereAsynchronousOnesConverge() throws {
        let n = 60
        let xi = memories(30, n, binary: true, seed: 11)
        let async = network(xi, .polynomial(degree: 2)), sync = network(xi, .polynomial(degree: 2), update: .synchronous)
        var rng = RandomStream(seed: 12)
        var cycles = 0, fixedPoints = 0
        for _ in 0..<40 {
            let s = (0..<n).map { _ in rng.nextSpin() }
            async.setState(s); sync.setState(s)
            XCTAssertNoThrow(try async.relaxToFixedPoint(maxEvents: 100_000))
            XCTAssertEqual(async.unstableCount, 0)
            do {
                try sync.relaxToFixedPoint(maxEvents: 200)
                fixedPoints += 1
                XCTAssertEqual(sync.unstableCount, 0)
            } catch is RelaxationError {
                let before = sync.state
                _ = sync.synchronousStep(at: sync.now); _ = sync.synchronousStep(at: sync.now)
                if sync.state == before { cycles += 1 }
            }
        }
        print("synchronous: \(fixedPoints) fixed points, \(cycles) 2-cycles of 40 starts")
        XCTAssertGreaterThan(cycles, 0)
        XCTAssertGreaterThan(fixedPoints, 0)
    }

    /// Sweeps that evaluate brackets only for the units they visit follow, bit for
    /// bit, the trajectory of keeping every bracket current after every flip
    /// (`SweepClock` driven by the kept decisions): same flips at the same times,
    /// same final states and clocks, for ±1 and learned memories, both tie rules
    /// and with some units clamped. The lazy sweeps skip units found stable since
    /// the memory units last published; a stale mark would stop short of a fixed
    /// point or change the flips.
    func testLazySweepsFollowTheTrajectoryOfKeptBrackets() throws {
        let n = 50
        for binary in [true, false] {
            for f in [InteractionFunction.polynomial(degree: 3), .rectified(degree: 4), .exponential] {
                for tie in DAMNetwork.Tie.allCases {
                    let xi = memories(binary ? 120 : 40, n, binary: binary, seed: 31)
                    let lazy = network(xi, f, tie: tie), kept = network(xi, f, tie: tie)
                    kept.keepsBrackets = true
                    let sinks = [MemorySink(), MemorySink()]
                    for (net, sink) in zip([lazy, kept], sinks) { net.sinks.add(sink) }
                    var rng = RandomStream(seed: 32)
                    for round in 0..<8 {
                        let s = (0..<n).map { _ in rng.nextSpin() }
                        // Odd rounds clamp the last ten units (label units of a classifier).
                        let free = round % 2 == 0 ? nil : (0..<n).map { $0 < n - 10 }
                        for net in [lazy, kept] {
                            net.setState(s, free: free)
                            try net.relaxToFixedPoint(maxEvents: 100_000)
                        }
                        XCTAssertEqual(lazy.state, kept.state)
                        XCTAssertEqual(lazy.now, kept.now)
                        XCTAssertEqual(lazy.unstableCount, 0)
                    }
                    XCTAssertEqual(lazy.flips, kept.flips)
                    XCTAssertEqual(lazy.updates, kept.updates)
                    for net in [lazy, kept] { try net.sinks.flush() }
                    XCTAssertEqual(sinks[0].records, sinks[1].records, "\(f) \(tie) binary \(binary)")
                    XCTAssertGreaterThan(lazy.flips, 0)
                }
            }
        }
    }

    /// A zero bracket keeps the state under `keep` and gives −1 under `minus-one`.
    func testTieRule() {
        var xi = DenseWeights(preCount: 2, postCount: 2)
        xi.weights = [1, 1, 1, -1]  // ξ^1 = (1, 1), ξ^2 = (1, −1): J_01 = 0
        for (tie, expected) in [(DAMNetwork.Tie.keep, 1.0), (.minusOne, -1.0)] {
            let net = network(xi, .polynomial(degree: 2), tie: tie)
            net.setState([1, 1], free: [true, false])
            XCTAssertEqual(net.bracket(0), 0)
            XCTAssertEqual(net.unstableCount, tie == .keep ? 0 : 1)
            XCTAssertNoThrow(try net.relaxToFixedPoint(maxEvents: 10))
            XCTAssertEqual(net.state[0], expected)
        }
    }
}
