import Foundation
import ReverieKernel
import ReverieSpec

/// How a LIF population's membrane potentials start.
public enum VoltageInit: Sendable, Equatable {
    case value(Double)
    /// Uniform in [low, high), from the run's seeded stream "init:<population>".
    case uniform(Double, Double)
}

/// The weights of a spiking projection (mV): one value, or drawn per synapse
/// from the run's seeded stream "weights:<projection>".
public enum SpikingWeight: Sendable, Equatable {
    case constant(Double)
    case normal(mean: Double, sd: Double)
    case uniform(Double, Double)

    /// The weights of `count` synapses in CSR order (nil when constant).
    func draw(count: Int, rng: inout RandomStream) -> [Double]? {
        switch self {
        case .constant: return nil
        case .normal(let mean, let sd): return (0..<count).map { _ in mean + sd * rng.nextGaussian() }
        case .uniform(let lo, let hi): return (0..<count).map { _ in lo + (hi - lo) * rng.nextUnit() }
        }
    }

    /// The one value of a constant weight, else the mean of the distribution.
    public var mean: Double {
        switch self {
        case .constant(let w): w
        case .normal(let m, _): m
        case .uniform(let lo, let hi): (lo + hi) / 2
        }
    }
}

/// A projection between spiking populations, as validated from the model file.
public struct SpikingProjectionSpec: Sendable {
    public var name: String
    public var from: String
    public var to: String
    public var connectivity: ConnectivityRule
    public var selfConnections: Bool
    public var weight: SpikingWeight
    public var delay: SpikingDelay
    /// Name of a spike-timing rule in `rules:`, for a plastic projection.
    public var rule: String?
    public var node: SpecNode
}

/// The spiking family's readers: the `spiking:` section, the spiking unit
/// models' fields, spiking projections (schema in models/README.md).
extension SpikingFamily {
    static let lifKeys: [UnitKey] = {
        let d = LIFParameters()
        return [UnitKey("tau_m", "ms", "membrane time constant", default: "\(d.tauM)"),
                UnitKey("e_l", "mV", "resting potential E_L", default: "\(d.eL)"),
                UnitKey("v_th", "mV", "threshold", default: "\(d.vTh)"),
                UnitKey("v_reset", "mV", "reset potential (below v_th)", default: "\(d.vReset)"),
                UnitKey("t_ref", "ms", "refractory period; input meanwhile is discarded", default: "\(d.tRef)"),
                UnitKey("c_m", "pF", "membrane capacitance", default: "\(d.cM)"),
                UnitKey("i_e", "pA", "constant input current", default: "\(d.iE)"),
                UnitKey("v_init", "mV", "initial potential, or [low, high] to draw it uniformly", default: "v_reset")]
    }()

    static let lifExpKeys: [UnitKey] = {
        let d = LIFExpParameters()
        return [UnitKey("tau_m", "ms", "membrane time constant", default: "\(d.tauM)"),
                UnitKey("tau_syn_ex", "ms", "decay of excitatory synaptic currents (weights ≥ 0)", default: "\(d.tauSynEx)"),
                UnitKey("tau_syn_in", "ms", "decay of inhibitory synaptic currents (weights < 0)", default: "\(d.tauSynIn)"),
                UnitKey("e_l", "mV", "resting potential E_L", default: "\(d.eL)"),
                UnitKey("v_th", "mV", "threshold", default: "\(d.vTh)"),
                UnitKey("v_reset", "mV", "reset potential (below v_th)", default: "\(d.vReset)"),
                UnitKey("t_ref", "ms", "refractory period (> 0): V clamped, currents go on", default: "\(d.tRef)"),
                UnitKey("c_m", "pF", "membrane capacitance", default: "\(d.cM)"),
                UnitKey("i_e", "pA", "constant input current", default: "\(d.iE)"),
                UnitKey("v_init", "mV", "initial potential, or [low, high] to draw it uniformly", default: "v_reset")]
    }()

    /// A LIF population: its parameters and how its potentials start.
    static func lif(_ p: SpecNode) throws -> Unit {
        let d = LIFParameters()
        let time = 0.0...1e9, tau = 1e-6...1e9
        let lif = LIFParameters(tauM: try p.double("tau_m", default: d.tauM, in: tau), eL: try p.double("e_l", default: d.eL),
                                vTh: try p.double("v_th", default: d.vTh), vReset: try p.double("v_reset", default: d.vReset),
                                tRef: try p.double("t_ref", default: d.tRef, in: time), cM: try p.double("c_m", default: d.cM, in: tau),
                                iE: try p.double("i_e", default: d.iE))
        if lif.vReset >= lif.vTh { throw try p.require("v_reset", "").error(expected: "v_reset below v_th = \(lif.vTh)") }
        if lif.tRef > 0 && lif.tRef < 1e-6 { throw try p.require("t_ref", "").error(expected: "0 or a refractory period ≥ 1e-6 ms") }
        return Unit(kind: .lif(lif), initialVoltage: try initialVoltage(p, reset: lif.vReset, threshold: lif.vTh))
    }

    /// A LIF population with exponential synaptic currents (`lif-exp`).
    static func lifExp(_ p: SpecNode) throws -> Unit {
        let d = LIFExpParameters()
        let tau = 1e-9...1e9
        let e = LIFExpParameters(tauM: try p.double("tau_m", default: d.tauM, in: tau), eL: try p.double("e_l", default: d.eL),
                                 vTh: try p.double("v_th", default: d.vTh), vReset: try p.double("v_reset", default: d.vReset),
                                 tRef: try p.double("t_ref", default: d.tRef, in: 1e-6...1e9), cM: try p.double("c_m", default: d.cM, in: tau),
                                 iE: try p.double("i_e", default: d.iE), tauSynEx: try p.double("tau_syn_ex", default: d.tauSynEx, in: tau),
                                 tauSynIn: try p.double("tau_syn_in", default: d.tauSynIn, in: tau))
        if e.vReset >= e.vTh { throw try p.require("v_reset", "").error(expected: "v_reset below v_th = \(e.vTh)") }
        return Unit(kind: .lifExp(e), initialVoltage: try initialVoltage(p, reset: e.vReset, threshold: e.vTh))
    }

    /// `v_init`: a potential below threshold, or [low, high] to draw it uniformly (default V_reset).
    static func initialVoltage(_ p: SpecNode, reset: Double, threshold: Double) throws -> VoltageInit {
        guard let v = p["v_init"] else { return .value(reset) }
        if case .sequence = v.kind {
            let ends = try v.sequence()
            guard ends.count == 2 else { throw v.error(expected: "a potential (mV) or a range [low, high] to draw it from uniformly") }
            let lo = try ends[0].double(in: -1e9...threshold.nextDown), hi = try ends[1].double(in: lo...threshold)
            return .uniform(lo, hi)
        }
        return .value(try v.double(in: -1e9...threshold.nextDown))
    }

    /// The spikes of a population in a recorded trace, like NEST's spike_generator fed from a file.
    static func spikeTrace(_ p: SpecNode, _ unit: UnitContext) throws -> Unit {
        let (_, file, source) = try TraceSource.open(p, size: unit.size, baseDirectory: unit.baseDirectory, stream: .spikes, streamName: "spikes")
        let offset = try p.double("time_offset", default: 0, in: 0...1e15)
        var spikes: [RecordedSpike] = []
        file.forEachChunk { _, records in
            for r in records where r.kind == .spike && r.unit >= source.firstID && Int(r.unit - source.firstID) < unit.size {
                spikes.append(RecordedSpike(time: r.time.value + offset, unit: Int(r.unit - source.firstID)))
            }
        }
        // Recordings of spiking networks are in (time, unit) order already.
        spikes.sort { ($0.time, $0.unit) < ($1.time, $1.unit) }
        return Unit(kind: .spikeTrain(spikes))
    }

    /// Sources that all spike at the given times.
    static func spikeTimes(_ p: SpecNode) throws -> Unit {
        let field = try p.require("times", "a list of spike times (ms)")
        let times = try field.sequence().map { try $0.double(in: 0...1e15) }
        if zip(times, times.dropFirst()).contains(where: { $0 >= $1 }) { throw field.error(expected: "strictly increasing spike times") }
        return Unit(kind: .spikeTimes(times))
    }

    /// Membrane and trace values are kept scaled by e^{Δt/τ} over spans of a few
    /// slots (see `SpikingNetwork`); a slot (the smallest delay or refractory
    /// period) longer than 500 τ would overflow that scaling.
    static func checkTimeScales(populations: [(population: ModelSpec.Population, unit: Unit)], projections: [SpikingProjectionSpec],
                                rules: [ModelSpec.Rule]) throws {
        let refractory = populations.compactMap(\.unit.kind.refractoryPeriod).filter { $0 > 0 }
        let slot = (projections.map(\.delay.minimum) + refractory).min() ?? 1
        var taus: [(Double, SpecNode)] = populations.compactMap { p, u in u.kind.lif.map { ($0.tauM, p.node["tau_m"] ?? p.node) } }
        for (p, u) in populations {
            guard let e = u.kind.lifExp else { continue }
            for (key, tau) in [("tau_m", e.tauM), ("tau_syn_ex", e.tauSynEx), ("tau_syn_in", e.tauSynIn)] { taus.append((tau, p.node[key] ?? p.node)) }
        }
        for proj in projections {
            guard let name = proj.rule, let rule = rules.first(where: { $0.name == name }) else { continue }
            let key = rule.parameters["tau_plus"]! <= rule.parameters["tau_minus"]! ? "tau_plus" : "tau_minus"
            taus.append((rule.parameters[key]!, rule.node[key] ?? rule.node))
        }
        if let (tau, node) = taus.min(by: { $0.0 < $1.0 }), slot > 500 * tau {
            throw node.error(expected: "a time constant ≥ \(slot / 500) ms, 1/500 of the slot width (the smallest delay or nonzero refractory period, \(slot) ms); τ = \(tau) ms")
        }
    }

    /// Synapses one projection may hold (2³¹: 8.6 GB of targets alone).
    static let maximumSynapses = 1 << 31

    static let projectionKeys = ["name", "from", "to", "connectivity", "indegree", "probability", "self_connections",
                                 "weight", "delay", "rule"]

    /// A projection between spiking populations.
    static func projection(_ p: SpecNode, from: ModelSpec.Population, to: ModelSpec.Population,
                           rules: [ModelSpec.Rule]) throws -> SpikingProjectionSpec {
        try p.checkKeys(projectionKeys)
        guard from.family == SpikingFamily.name else {
            throw try p.require("from", "").error(expected: "a spiking population (\(from.name) is \(from.model))")
        }
        guard ["lif", "lif-exp"].contains(to.model) else {
            throw try p.require("to", "").error(expected: "a lif or lif-exp population (spike sources receive no input)")
        }
        let kind = try p.choice("connectivity", ["fixed_indegree", "probability", "one_to_one", "all_to_all"])
        let recurrent = from.name == to.name
        let selfConnections = try p.bool("self_connections", default: false)
        let conn: ConnectivityRule
        switch kind {
        case "fixed_indegree":
            let pool = recurrent && !selfConnections ? from.size - 1 : from.size
            conn = .fixedInDegree(try p.int("indegree", in: 0...pool))
        case "probability": conn = .probability(try p.double("probability", in: 0...1))
        case "one_to_one":
            if from.size != to.size { throw p.error(expected: "populations of equal size for one_to_one (\(from.size) ≠ \(to.size))") }
            conn = .oneToOne
        default: conn = .allToAll
        }
        let expected = conn.expectedSynapses(preCount: from.size, postCount: to.size)
        if expected > Double(maximumSynapses) {
            throw p.error(expected: "at most \(maximumSynapses) synapses per projection (this one would have about \(Int(expected)))")
        }
        var rule: String? = nil
        var range = -1e12...1e12
        if let r = p["rule"] {
            let name = try r.choice(rules.filter { $0.entry.trigger == .spikes }.map(\.name))
            rule = name
            // STDP weights live in [0, w_max]; drawn ones are clipped to it.
            range = 0...rules.first { $0.name == name }!.parameters["w_max"]!
        }
        return SpikingProjectionSpec(name: try p.string("name", default: "\(from.name)->\(to.name)"), from: from.name, to: to.name,
                                     connectivity: conn, selfConnections: selfConnections,
                                     weight: try weight(try p.require("weight", "a weight in mV or a distribution"), in: range),
                                     delay: try SpikingDelay.parse(try p.require("delay", "a delay in ms or a distribution")), rule: rule, node: p)
    }

    /// `weight: 0.25`, `weight: {normal: [mean, sd]}` or `weight: {uniform: [low, high]}`.
    static func weight(_ node: SpecNode, in range: ClosedRange<Double>) throws -> SpikingWeight {
        guard case .mapping = node.kind else { return .constant(try node.double(in: range)) }
        try node.checkKeys(["normal", "uniform"])
        let expected = "a weight in mV, {normal: [mean, sd]} or {uniform: [low, high]}"
        guard let (key, args) = try node.mapping().first, try node.mapping().count == 1 else { throw node.error(expected: expected) }
        let values = try args.sequence()
        guard values.count == 2 else { throw args.error(expected: "two numbers") }
        let a = try values[0].double(in: range)
        if key == "normal" { return .normal(mean: a, sd: try values[1].double(in: 0...1e12)) }
        return .uniform(a, try values[1].double(in: a...range.upperBound))
    }
}
