import ArgumentParser
import Foundation
import ReverieKernel
import ReverieModels
import ReverieSpec

/// The dense associative memory (docs/science.md §7) against a vectorised numpy
/// implementation (Benchmarks/peers/numpy/dam.py), both in this invocation:
/// a capacity sweep (per K: the unstable units of probed stored patterns, then a
/// random-sequential relaxation from ρN flipped units to a fixed point) and one
/// epoch of Krotov–Hopfield training on the digits.
struct DAMBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dam",
        abstract: "Capacity sweep and one training epoch of the dense associative memory, and the ratio against numpy.")

    @Option(help: "Visible units N of the capacity sweep.")
    var units = 100

    @Option(help: "Interaction vertex n (F = xⁿ).")
    var degree = 3

    @Option(name: .customLong("memories"), parsing: .upToNextOption, help: "Memory counts K of the sweep.")
    var memories: [Int] = [400, 800, 1600, 3200]

    @Option(help: "Stored patterns probed per K.")
    var probes = 20

    @Option(help: "Fraction of units flipped before each relaxation.")
    var rho = 0.1

    @Option(help: "Items of the training epoch (a pattern file with one-hot labels in the last 10 units).")
    var items = "data/digits/digits-train.txt"

    @Option(help: "Memories of the training epoch.")
    var trainingMemories = 100

    @Option(help: "The numpy peer script.")
    var peerScript = "Benchmarks/peers/numpy/dam.py"

    @Option(help: "Repeats, alternating reverie and the peer; best and median are reported.")
    var repeats = 5

    @Flag(help: "Skip the numpy peer.")
    var noPeer = false

    @Option(help: "Seed.")
    var seed: UInt64 = 1

    func validate() throws {
        guard units >= 10, degree >= 2, probes >= 1, repeats >= 1, memories.allSatisfy({ $0 >= 2 }) else {
            throw ValidationError("need units ≥ 10, degree ≥ 2, memories ≥ 2 and positive counts")
        }
    }

    func run() throws {
        #if DEBUG
        print("warning: debug build; benchmark with `swift build -c release --product reverie-bench`")
        #endif
        print("\(repeats) alternating repeats; CPU seconds of one thread (the peer with one BLAS thread). Ratio = numpy / reverie.")
        let sweep = try measure("capacity sweep N = \(units), n = \(degree), K = \(memories.map(String.init).joined(separator: ",")), \(probes) probes, ρ = \(rho)",
                                reverie: capacitySweep,
                                peer: ["capacity", "--n-units", "\(units)", "--degree", "\(degree)", "--memories"]
                                    + memories.map(String.init) + ["--probes", "\(probes)", "--rho", "\(rho)", "--seed", "\(seed)"])
        let epoch = try measure("training epoch: \(items), K = \(trainingMemories), n = \(degree), batch 64",
                                reverie: trainingEpoch,
                                peer: ["epoch", "--items", items, "--k", "\(trainingMemories)", "--degree", "\(degree)",
                                       "--batch", "64", "--seed", "\(seed)"])
        _ = (sweep, epoch)
    }

    /// Runs both sides `repeats` times; prints best and median CPU seconds and the ratio.
    func measure(_ title: String, reverie: () throws -> String, peer: [String]) throws -> Double {
        var ours: [Double] = [], theirs: [Double] = []
        var work = "", peerWork = ""
        for _ in 0..<repeats {
            let timer = CPUTimer()
            work = try reverie()
            ours.append(timer.cpuSeconds)
            if !noPeer {
                let p = try PeerProcess.runJSON([PeerProcess.python, peerScript] + peer)
                theirs.append((p["cpu_s"] as? Double) ?? .nan)
                peerWork = p.filter { !$0.key.hasSuffix("_s") }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            }
        }
        print(title)
        print(String(format: "  reverie  best %.4f s, median %.4f s   (%@)", ours.min()!, median(ours), work))
        guard !noPeer else { return .nan }
        print(String(format: "  numpy    best %.4f s, median %.4f s   (%@)", theirs.min()!, median(theirs), peerWork))
        let ratio = theirs.min()! / ours.min()!
        print(String(format: "  ratio    %.1fx (best), %.1fx (median)", ratio, median(theirs) / median(ours)))
        return ratio
    }

    func capacitySweep() throws -> String {
        var rng = RandomStream(seed: seed, stream: 1)
        var flips = 0, relaxations = 0, unstable = 0
        for k in memories {
            let set = PatternSet.random(count: k, size: units, rng: &rng)
            var xi = DenseWeights(preCount: k, postCount: units)
            xi.weights = set.values
            let net = DAMNetwork(name: "v", memories: xi, interaction: .polynomial(degree: degree), beta: 1, tie: .keep,
                                 update: .randomSequential, rate: 1, rng: RandomStream(seed: seed, stream: 2))
            var order = Array(0..<k)
            for p in 0..<Swift.min(probes, k) {
                order.swapAt(p, p + rng.nextInt(below: k - p))
                let nu = order[p]
                net.setState(set[nu])
                unstable += net.unstableCount
                net.setState(set.corrupted(nu, initialOverlap: 1 - 2 * rho, rng: &rng))
                flips += try net.relaxToFixedPoint(maxEvents: 10_000_000)
                relaxations += 1
            }
        }
        return String(format: "relaxations %ld, flips_per_relaxation %.2f, unstable_bits %ld", relaxations,
                      Double(flips) / Double(relaxations), unstable)
    }

    func trainingEpoch() throws -> String {
        let url = URL(fileURLWithPath: items)
        let node = SpecNode(kind: .mapping([("file", SpecNode(kind: .scalar(items), file: "reverie-bench"))]), file: "reverie-bench")
        guard let text = try? String(contentsOf: url, encoding: .utf8),
              let first = text.split(separator: "\n").first(where: { !$0.hasPrefix("#") }) else {
            throw BenchError("\(items) not found (run from the repository root or pass --items)")
        }
        let size = first.split(separator: " ").count
        let data = try PatternFile.read(url, size: size, node: node)
        let labels = Array((size - 10)..<size)
        var settings = DAMTrainer.Settings()
        settings.epochs = 1; settings.batchSize = 64; settings.learningRate = 0.05; settings.momentum = 0.6; settings.decay = 1
        let trainer = DAMTrainer(interaction: .polynomial(degree: degree), settings: settings, trained: labels)
        var rng = RandomStream(seed: seed, stream: 3)
        var xi = DenseWeights(preCount: trainingMemories, postCount: size)
        for q in xi.weights.indices { xi.weights[q] = Swift.min(1, Swift.max(-1, 0.1 * rng.nextGaussian())) }
        let loss = trainer.train(&xi, items: (0..<data.count).map { data[$0] }, rng: &rng)
        return String(format: "items %ld, loss %.4f", data.count, loss[0])
    }
}
