import ReverieKernel

/// The spikes a source population (Poisson, given times or a recorded train) emits, generated a
/// slot at a time. A Poisson population of n units at rate r is one Poisson
/// process of rate n r whose events go to uniformly drawn units (exact
/// superposition), drawn from the population's own random stream.
struct SpikeSourceState {
    enum Kind {
        case none
        case poisson(totalRate: Double)
        case times([Double])
        case train([RecordedSpike])
    }

    let kind: Kind
    let first: Int
    let size: Int
    var rng: RandomStream
    /// Next Poisson event time, or index of the next given time.
    var nextTime = 0.0
    var cursor = 0

    init(population p: SpikingPopulation, rng: RandomStream) {
        first = p.first
        size = p.size
        self.rng = rng
        switch p.kind {
        case .lif, .lifExp: kind = .none
        case .poisson(let rate):
            kind = .poisson(totalRate: rate * Double(p.size) / 1000)
            nextTime = rate > 0 ? self.rng.nextExponential(rate: rate * Double(p.size) / 1000) : .infinity
        case .spikeTimes(let t): kind = .times(t)
        case .spikeTrain(let spikes): kind = .train(spikes)
        }
    }

    /// Whether the source will spike no more.
    var isExhausted: Bool {
        switch kind {
        case .none: true
        case .poisson: !nextTime.isFinite
        case .times(let t): cursor >= t.count
        case .train(let s): cursor >= s.count
        }
    }

    /// Appends the spikes before `end` to `out`.
    mutating func emit(before end: Double, into out: inout [(time: Double, unit: Int)]) {
        switch kind {
        case .none: return
        case .poisson(let rate):
            while nextTime < end {
                out.append((nextTime, first + rng.nextInt(below: size)))
                nextTime += rng.nextExponential(rate: rate)
            }
        case .times(let times):
            while cursor < times.count && times[cursor] < end {
                for i in 0..<size { out.append((times[cursor], first + i)) }
                cursor += 1
            }
        case .train(let spikes):
            while cursor < spikes.count && spikes[cursor].time < end {
                out.append((spikes[cursor].time, first + spikes[cursor].unit))
                cursor += 1
            }
        }
    }
}
