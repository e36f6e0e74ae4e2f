import XCTest
import Foundation
import ReverieKernel
@testable import ReverieModels

/// Storage capacity of the dense associative memory against the signal-to-noise
/// prediction (docs/science.md §7, issue 11): the K at which half of the stored
/// random patterns are fixed points, divided by K0 = N^{n−1}/(2n−3)!!, is
/// measured at N = 100 and compared with `DAMSignalToNoise` within ±0.04 (the
/// full sweep, n = 2, 3, 4 at N = 100 and 200, is experiments/dam-capacity.yaml).
final class DAMCapacityTests: XCTestCase {
    /// N^{n−1}/(2n−3)!!.
    func capacityScale(_ n: Int, _ units: Int) -> Double {
        pow(Double(units), Double(n - 1)) / stride(from: 2 * n - 3, to: 0, by: -2).reduce(1.0) { $0 * Double($1) }
    }

    /// The fraction of `probes` stored patterns (of K random ones) that are fixed
    /// points, averaged over `seeds` pattern sets, for every K of the grid; the
    /// half point K_½ where it first falls through 1/2 (linear in log K), as K_½/K0.
    func measuredHalfLoad(_ f: InteractionFunction, degree n: Int, units: Int, grid: [Int], seeds: Int,
                          probes: Int) -> (load: Double, fractions: [Double]) {
        let fractions = grid.map { k -> Double in
            var fixed = 0, probed = 0
            for seed in 0..<seeds {
                var rng = RandomStream(seed: UInt64(seed + 1), stream: UInt64(k))
                let set = PatternSet.random(count: k, size: units, rng: &rng)
                var xi = DenseWeights(preCount: k, postCount: units)
                xi.weights = set.values
                let net = DAMNetwork(name: "v", memories: xi, interaction: f, beta: 1, tie: .keep, update: .randomSequential,
                                     rate: 1, rng: RandomStream(seed: 1))
                for nu in 0..<Swift.min(probes, k) {
                    net.setState(set[nu])
                    if net.unstableCount == 0 { fixed += 1 }
                    probed += 1
                }
            }
            return Double(fixed) / Double(probed)
        }
        for j in 1..<grid.count where fractions[j - 1] >= 0.5 && fractions[j] < 0.5 {
            let t = (fractions[j - 1] - 0.5) / (fractions[j - 1] - fractions[j])
            let half = exp(log(Double(grid[j - 1])) + t * (log(Double(grid[j])) - log(Double(grid[j - 1]))))
            return (half / capacityScale(n, units), fractions)
        }
        return (.nan, fractions)
    }

    func predictedHalfLoad(_ f: InteractionFunction, degree n: Int, units: Int) -> Double {
        DAMSignalToNoise(interaction: f, units: units, scale: 1 / Double(units)).halfFixedMemories / capacityScale(n, units)
    }

    /// n = 2 and n = 3 at N = 100, polynomial and rectified polynomial: measured
    /// half loads within ±0.04 of the prediction, and the rectified polynomial
    /// stores about twice the polynomial's (the prediction's ratio is 2.0 ± 0.1).
    func testHalfLoadAgreesWithSignalToNoise() {
        let cases: [(InteractionFunction, Int, [Int], Int, Int)] = [
            (.polynomial(degree: 2), 2, [8, 10, 12, 14, 16, 18, 20, 23, 26, 30], 40, 30),
            (.rectified(degree: 2), 2, [16, 20, 24, 28, 32, 36, 40, 46, 52, 60], 20, 60),
            (.polynomial(degree: 3), 3, [380, 460, 540, 620, 700], 2, 150),
            (.rectified(degree: 3), 3, [760, 920, 1080, 1240, 1400], 2, 150),
        ]
        var measured: [Double] = []
        for (f, n, grid, seeds, probes) in cases {
            let (load, fractions) = measuredHalfLoad(f, degree: n, units: 100, grid: grid, seeds: seeds, probes: probes)
            let predicted = predictedHalfLoad(f, degree: n, units: 100)
            print(String(format: "capacity %@ n = %ld, N = 100: x½ measured %.4f, predicted %.4f; fractions %@", f.name, n,
                         load, predicted, fractions.map { String(format: "%.3f", $0) }.joined(separator: " ")))
            XCTAssertEqual(load, predicted, accuracy: 0.04, "\(f) n = \(n)")
            measured.append(load)
        }
        for (poly, rect) in [(0, 1), (2, 3)] {
            XCTAssertEqual(measured[rect] / measured[poly], 2, accuracy: 0.3, "rectified / polynomial, case \(poly)")
        }
    }
}
