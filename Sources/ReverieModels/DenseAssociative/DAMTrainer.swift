import Foundation
import ReverieKernel
import ReverieSpec

/// Krotov–Hopfield training of the memories (Krotov & Hopfield 2016, appendix A;
/// as McAlister et al.'s library implements it; docs/science.md §7).
///
/// For an item x ∈ {±1}^N and a trained unit d, with c = 1/(T N):
///
///     m^±_μ = ξ^μ·x^{(d,±)} = m_μ + (±1 − x_d) ξ_d^μ,
///     Y_d = tanh(Σ_μ [F(c m⁺_μ) − F(c m⁻_μ)]),     L = Σ_items Σ_d (Y_d − x_d)^{2p}
///
/// (p = `error_power`; the target of unit d is the item's own value). Its gradient
///
///     ∂L/∂ξ_j^μ = Σ_items Σ_d e_d c [F′(c m⁺_μ) x_j^{(d,+)} − F′(c m⁻_μ) x_j^{(d,−)}],
///     e_d = 2p (Y_d − x_d)^{2p−1} (1 − Y_d²),
///
/// is a local rule of synapse (μ, j): memory unit μ sees its own overlaps m^±_μ with
/// the clamped state, visible unit d sends its error e_d, and unit j its state.
/// Per minibatch: V ← p_m V + ∂L/∂ξ (+ the method's penalty gradient), each memory
/// steps by −lr V^μ / max(max_j |V_j^μ|, precision), then ξ is clamped to [−1, 1];
/// lr = lr₀ · decay^epoch, T moves linearly from `temperature` to
/// `final_temperature` over the epochs, items are shuffled every epoch. V starts
/// at zero at every call of `train` (one call per task, as the library's `learnMemories`).
public struct DAMTrainer: Sendable {
    public struct Settings: Sendable {
        public var epochs = 100
        public var batchSize = 128
        public var learningRate = 0.1
        public var decay = 0.999
        public var momentum = 0.6
        public var errorPower = 1
        public var temperature = 1.0
        public var finalTemperature = 1.0
        public var precision = 1e-30
        public var clamp = true

        public static let keys = ["epochs", "batch_size", "learning_rate", "learning_rate_decay", "momentum", "error_power",
                                  "temperature", "final_temperature", "precision", "clamp"]

        public init() {}

        public init(node: SpecNode) throws {
            epochs = try node.int("epochs", default: 100, in: 1...1_000_000)
            batchSize = try node.int("batch_size", default: 128, in: 1...100_000_000)
            learningRate = try node.double("learning_rate", default: 0.1, in: 0...1e6)
            decay = try node.double("learning_rate_decay", default: 0.999, in: 0...1)
            momentum = try node.double("momentum", default: 0.6, in: 0...1)
            errorPower = try node.int("error_power", default: 1, in: 1...100)
            temperature = try node.double("temperature", default: 1, in: 1e-9...1e12)
            finalTemperature = try node.double("final_temperature", default: temperature, in: 1e-9...1e12)
            precision = try node.double("precision", default: 1e-30, in: 0...1)
            clamp = try node.bool("clamp", default: true)
        }

        /// c of epoch e.
        func scale(epoch e: Int, units: Int) -> Double {
            let t = temperature + (finalTemperature - temperature) * Double(e) / Double(epochs)
            return 1 / (t * Double(units))
        }
    }

    /// What a trained unit's read-out Y and target t contribute: (loss, ∂loss/∂z) with Y = tanh z.
    public typealias Signal = @Sendable (_ y: Double, _ target: Double) -> (loss: Double, error: Double)

    public let interaction: InteractionFunction
    public let settings: Settings
    /// The trained (and read-out) units.
    public let trained: [Int]

    public init(interaction: InteractionFunction, settings: Settings, trained: [Int]) {
        self.interaction = interaction; self.settings = settings; self.trained = trained
    }

    /// The loss Σ_d (Y_d − t_d)^{2p} and its derivative with respect to z_d.
    public var lossSignal: Signal {
        let p = settings.errorPower
        return { y, t in
            let r = y - t
            return (InteractionFunction.power(r, 2 * p), 2 * Double(p) * InteractionFunction.power(r, 2 * p - 1) * (1 - y * y))
        }
    }

    /// Adds one item's gradient of Σ_d signal(Y_d, x_d) to `gradient` (K×N, memory rows); returns its loss.
    ///
    /// For unit d one of x^{(d,±)} is x itself, so F and F′ at c m_μ are computed
    /// once per memory and only the other overlap per unit; the gradient's
    /// rank-1 part Σ_d e_d c (F′⁺ − F′⁻) x is one pass per memory.
    @discardableResult
    public func accumulate(_ x: [Double], memories xi: DenseWeights, scale c: Double, signal: Signal,
                           into gradient: inout [Double]) -> Double {
        let k = xi.preCount, n = xi.postCount, f = interaction
        precondition(x.count == n && gradient.count == k * n)
        var loss = 0.0
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 5 * k) { scratch in
            let m = scratch.baseAddress!, w = m + k, f0 = w + k, df0 = f0 + k, dfo = df0 + k
            xi.weights.withUnsafeBufferPointer { wb in
                x.withUnsafeBufferPointer { xb in
                    for mu in 0..<k {
                        let row = wb.baseAddress! + mu * n
                        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                        var j = 0
                        while j + 4 <= n {
                            s0 += row[j] * xb[j]; s1 += row[j + 1] * xb[j + 1]; s2 += row[j + 2] * xb[j + 2]; s3 += row[j + 3] * xb[j + 3]
                            j += 4
                        }
                        while j < n { s0 += row[j] * xb[j]; j += 1 }
                        m[mu] = (s0 + s1) + (s2 + s3)
                        (f0[mu], df0[mu]) = f.valueAndDerivative(c * m[mu])
                        w[mu] = 0
                    }
                    gradient.withUnsafeMutableBufferPointer { g in
                        for d in trained {
                            // x^{(d, x_d)} is x; the other state's overlap is m − 2 x_d ξ_d.
                            let s = xb[d]
                            var z = 0.0
                            for mu in 0..<k {
                                let other = f.valueAndDerivative(c * (m[mu] - 2 * s * wb[mu * n + d]))
                                z += f0[mu] - other.value
                                dfo[mu] = other.derivative
                            }
                            let y = tanh(s * z)
                            let (l, e) = signal(y, s)
                            loss += l
                            guard e != 0 else { continue }
                            let ec = e * c
                            for mu in 0..<k {
                                let fPlus = s > 0 ? df0[mu] : dfo[mu], fMinus = s > 0 ? dfo[mu] : df0[mu]
                                w[mu] += ec * (fPlus - fMinus)
                                g[mu * n + d] += ec * (fPlus * (1 - s) + fMinus * (1 + s))
                            }
                        }
                        for mu in 0..<k where w[mu] != 0 {
                            let wm = w[mu], row = g.baseAddress! + mu * n
                            for j in 0..<n { row[j] += wm * xb[j] }
                        }
                    }
                }
            }
        }
        return loss
    }

    /// Trains `memories` on `items` for `settings.epochs` epochs; `penalty` adds
    /// a regulariser's gradient, `observe` sees every step (task gradient, change).
    /// Returns the mean loss per item and trained unit of each epoch.
    public func train(_ memories: inout DenseWeights, items: [[Double]], rng: inout RandomStream,
                      penalty: ((DenseWeights, inout [Double]) -> Void)? = nil,
                      observe: ((_ gradient: [Double], _ change: [Double]) -> Void)? = nil) -> [Double] {
        let k = memories.preCount, n = memories.postCount
        var velocity = [Double](repeating: 0, count: k * n)
        var order = Array(items.indices)
        var history: [Double] = []
        for epoch in 0..<settings.epochs {
            let lr = settings.learningRate * pow(settings.decay, Double(epoch))
            let c = settings.scale(epoch: epoch, units: n)
            rng.shuffle(&order)
            var epochLoss = 0.0
            var start = 0
            while start < order.count {
                let batch = order[start..<Swift.min(start + settings.batchSize, order.count)]
                start = batch.endIndex
                var g = [Double](repeating: 0, count: k * n)
                for b in batch { epochLoss += accumulate(items[b], memories: memories, scale: c, signal: lossSignal, into: &g) }
                let taskGradient = observe == nil ? [] : g
                penalty?(memories, &g)
                let before = observe == nil ? [] : memories.weights
                step(&memories, velocity: &velocity, gradient: g, learningRate: lr)
                if let observe { observe(taskGradient, zip(memories.weights, before).map { $0 - $1 }) }
            }
            history.append(epochLoss / Double(Swift.max(1, items.count * trained.count)))
        }
        return history
    }

    /// V ← p V + g; ξ^μ −= lr V^μ / max(max_j |V_j^μ|, precision); clamp.
    func step(_ memories: inout DenseWeights, velocity v: inout [Double], gradient g: [Double], learningRate lr: Double) {
        let k = memories.preCount, n = memories.postCount, p = settings.momentum
        for q in v.indices { v[q] = p * v[q] + g[q] }
        for mu in 0..<k {
            let row = mu * n
            var largest = 0.0
            for j in 0..<n { largest = Swift.max(largest, abs(v[row + j])) }
            let step = lr / Swift.max(largest, settings.precision)
            for j in 0..<n {
                var x = memories.weights[row + j] - step * v[row + j]
                if settings.clamp { x = Swift.min(1, Swift.max(-1, x)) }
                memories.weights[row + j] = x
            }
        }
    }
}
